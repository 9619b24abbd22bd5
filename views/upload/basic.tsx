import { Button, events, getUploadUrl, Image, State, Upload, UploadFile, uploadFiles, VStack, type PageContext } from "hyperstate";
import { saveToUploadDir } from "./save";

/** Reflex's basic example: upload, save to the upload dir, show the images. */
export class BasicUpload extends State {
  static on = events(this);
  uploadedFiles: string[] = [];

  async handleUpload(files: UploadFile[]) {
    this.uploadedFiles.push(...(await saveToUploadDir(files)));
  }
}

export function BasicPage({ use }: PageContext) {
  const state = use(BasicUpload);
  return (
    <VStack>
      <Upload id="upload" />
      <Button onClick={BasicUpload.on.handleUpload(uploadFiles("upload"))}>Upload</Button>
      {state.uploadedFiles.map((name) => (
        <Image src={getUploadUrl(name)} alt={name} maxWidth="20rem" />
      ))}
    </VStack>
  );
}
