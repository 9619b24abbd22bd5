import { Text, VStack } from "hyperstate";

const DEMOS: [path: string, title: string][] = [
  ["/counter", "Counter and a background task"],
  ["/todos", "Todos: a form, checkboxes and a live count"],
  ["/basic", "Basic file upload"],
  ["/multiple", "Multiple file upload (images)"],
  ["/video", "Uploading a single file (video)"],
  ["/customized", "Customizing the upload: accept, max files, upload on drop"],
  ["/unstyled", "Unstyled upload component"],
  ["/progress", "Upload progress and cancel"],
  ["/chunked", "Chunked, resumable upload of large files"],
  ["/folder", "A folder, picked or dropped, kept as a tree"],
];

export function IndexPage() {
  return (
    <VStack padding="1rem">
      <Text as="h1">hyperstate demos</Text>
      <ul>
        {DEMOS.map(([path, title]) => (
          <li>
            <a href={path} safe>
              {title}
            </a>
          </li>
        ))}
      </ul>
    </VStack>
  );
}
