import { Button, clearSelectedFiles, events, getUploadUrl, SelectedFiles, State, Upload, UploadFile, uploadFiles, Video, VStack, type PageContext } from "hyperstate";
import { color, SelectFilePrompt } from "./prompt";

/** Reflex's single-file example: one video, shown once uploaded. */
export class VideoUpload extends State {
  static on = events(this);
  video = "";

  async handleUpload(files: UploadFile[]) {
    const [current] = files;
    if (!current) return;
    await current.save();
    this.video = current.name;
  }
}

export function VideoPage({ use }: PageContext) {
  const state = use(VideoUpload);
  return (
    <VStack padding="5em">
      <Upload id="upload1" maxFiles={1} accept={{ "video/*": [".mp4", ".webm", ".mov", ".ogv"] }} border={`1px dotted ${color}`} padding="5em">
        <SelectFilePrompt />
      </Upload>
      <SelectedFiles id="upload1" />
      <Button onClick={VideoUpload.on.handleUpload(uploadFiles("upload1"))}>Upload</Button>
      <Button onClick={clearSelectedFiles("upload1")}>Clear</Button>
      {state.video ? <Video src={getUploadUrl(state.video)} /> : ""}
    </VStack>
  );
}
