import { Button, cancelUpload, events, Progress, SelectedFiles, State, Text, Upload, UploadFile, uploadFiles, VStack, type InterruptedUpload, type PageContext, type UploadProgress } from "hyperstate";
import { color } from "./prompt";

/** Reflex's progress example: a bar fed by the server's own byte count, and Cancel. */
export class ProgressUpload extends State {
  static on = events(this);
  uploading = false;
  progress = 0;
  totalBytes = 0;

  async handleUpload(files: UploadFile[]) {
    for (const file of files) this.totalBytes += file.size;
  }

  async handleUploadProgress(progress: UploadProgress) {
    this.uploading = true;
    this.progress = Math.round(progress.progress * 100);
    if (this.progress >= 100) this.uploading = false;
  }

  /** A reload stopped the upload: show Upload again (picking the file resumes it). */
  async uploadInterrupted(_uploads: InterruptedUpload[]) {
    this.uploading = false;
  }

  async cancelUpload() {
    this.uploading = false;
    return cancelUpload("upload3");
  }
}

export function ProgressPage({ use }: PageContext) {
  const state = use(ProgressUpload);
  return (
    <VStack align="center">
      <Upload id="upload3" border={`1px dotted ${color}`} padding="5em" onUploadInterrupted={ProgressUpload.on.uploadInterrupted}>
        <Text>Drag and drop files here or click to select files</Text>
      </Upload>
      <SelectedFiles id="upload3" />
      <Progress value={state.progress} max={100} label="Upload progress" />
      {state.uploading ? (
        <Button onClick={ProgressUpload.on.cancelUpload()}>Cancel</Button>
      ) : (
        <Button onClick={ProgressUpload.on.handleUpload(uploadFiles("upload3", { onUploadProgress: ProgressUpload.on.handleUploadProgress }))}>
          Upload
        </Button>
      )}
      <Text id="total-bytes" safe>{`Total bytes uploaded: ${state.totalBytes}`}</Text>
    </VStack>
  );
}
