import { Button, clearSelectedFiles, events, getUploadUrl, SelectedFiles, State, Text, Upload, UploadFile, uploadFiles, VStack, type PageContext } from "hyperstate";
import { color } from "./prompt";

/** A folder, picked or dropped: every file is kept under its path in it, so the tree comes back as it was. */
export class FolderUpload extends State {
  static on = events(this);
  saved: string[] = [];

  async handleUpload(files: UploadFile[]) {
    for (const file of files) this.saved.push(await file.save());
  }
}

export function FolderPage({ use }: PageContext) {
  const state = use(FolderUpload);
  return (
    <VStack padding="5em">
      <Upload id="folder" directory border={`1px dotted ${color}`} padding="5em">
        <Text>Drop a folder here, or click to pick one</Text>
      </Upload>
      <SelectedFiles id="folder" />
      <Button onClick={FolderUpload.on.handleUpload(uploadFiles("folder"))}>Upload</Button>
      <Button onClick={clearSelectedFiles("folder")}>Clear</Button>
      <ul id="saved">
        {state.saved.map((key) => (
          <li>
            <a href={getUploadUrl(key)} safe>
              {key}
            </a>
          </li>
        ))}
      </ul>
    </VStack>
  );
}
