// The app: one state, one page. `npm run dev` serves it; test/app.test.tsx checks it.
import { Elysia } from "elysia";
import { join } from "node:path";
import {
  Button,
  events,
  getUploadDir,
  getUploadUrl,
  hyperstate,
  SelectedFiles,
  State,
  Text,
  Upload,
  uploadFiles,
  VStack,
  type PageContext,
  type UploadFile,
} from "hyperstate";

/** Kept per session on the server. Public fields are the state; public async methods are event handlers. */
export class Files extends State {
  static on = events(this);
  names: string[] = [];
  lastUpload: Date | null = null;

  async upload(files: UploadFile[]) {
    for (const file of files) {
      await file.moveTo(join(getUploadDir(), file.name));
      if (!this.names.includes(file.name)) this.names.push(file.name);
    }
    this.lastUpload = new Date();
  }

  async clear() {
    this.names = [];
    this.lastUpload = null;
  }
}

function summary({ names, lastUpload }: Files): string {
  const count = names.length === 1 ? "1 file uploaded" : `${names.length} files uploaded`;
  return lastUpload ? `${count}, the last at ${lastUpload.toLocaleTimeString("en")}` : count;
}

export function HomePage({ use }: PageContext) {
  const files = use(Files);
  return (
    <VStack gap="1em" padding="2em" maxWidth="40em">
      <h1>my-app</h1>
      <Upload id="files" multiple maxSize={100 * 1024 * 1024} />
      <SelectedFiles id="files" />
      <Button onClick={Files.on.upload(uploadFiles("files"))}>Upload</Button>
      <Text as="p" safe>
        {summary(files)}
      </Text>
      <ul>
        {files.names.map((name) => (
          <li>
            {/* Text from users is escaped with `safe`: xss-scan (npm test) refuses it without. */}
            <a href={getUploadUrl(name)} safe>
              {name}
            </a>
          </li>
        ))}
      </ul>
      {files.names.length > 0 && <Button onClick={Files.on.clear()}>Clear the list</Button>}
    </VStack>
  );
}

export const app = () =>
  // Bun refuses request bodies over 128 MiB unless told otherwise; uploads need more.
  new Elysia({ serve: { maxRequestBodySize: 1024 ** 3 } }).use(
    hyperstate({ states: [Files], pages: { "/": HomePage }, title: "my-app" }),
  );
