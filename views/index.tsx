import { Text, VStack } from "hyperstate";

const DEMOS: [path: string, title: string][] = [["/counter", "Counter and a background task"]];

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
