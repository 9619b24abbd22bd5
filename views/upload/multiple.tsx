import { Button, clearSelectedFiles, events, getUploadUrl, HStack, Image, SelectedFiles, State, Upload, UploadFile, uploadFiles, VStack, type PageContext } from "hyperstate";
import { color, SelectFilePrompt } from "./prompt";
import { saveToUploadDir } from "./save";

/** Reflex's multiple-file example (images). */
export class MultipleUpload extends State {
  static on = events(this);
  img: string[] = [];

  async handleUpload(files: UploadFile[]) {
    this.img.push(...(await saveToUploadDir(files)));
  }
}

export function MultiplePage({ use }: PageContext) {
  const state = use(MultipleUpload);
  return (
    <VStack padding="5em">
      <Upload id="upload1" multiple accept={{ "image/*": [".png", ".jpg", ".jpeg", ".gif", ".webp"] }} border={`1px dotted ${color}`} padding="5em">
        <SelectFilePrompt />
      </Upload>
      <HStack>
        <SelectedFiles id="upload1" thumbnails />
      </HStack>
      <Button onClick={MultipleUpload.on.handleUpload(uploadFiles("upload1"))}>Upload</Button>
      <Button onClick={clearSelectedFiles("upload1")}>Clear</Button>
      {state.img.map((name) => (
        <Image src={getUploadUrl(name)} alt={name} maxWidth="20rem" />
      ))}
    </VStack>
  );
}
