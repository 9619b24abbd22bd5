import { background, Button, events, getUploadDir, State, Text, Upload, UploadCancelledError, UploadChunkIterator, uploadFilesChunk, VStack, type PageContext } from "hyperstate";
import { mkdir, open, rm, type FileHandle } from "node:fs/promises";
import { join } from "node:path";

/** Reflex's chunked example: chunks are written into getUploadDir()/stream/ as they arrive. */
export class ChunkUploadState extends State {
  static on = events(this);
  uploadedFiles: string[] = [];
  status = "No chunked upload has finished yet.";

  @background
  async handleLargeUpload(chunkIter: UploadChunkIterator) {
    const handles = new Map<string, FileHandle>();
    const directory = join(getUploadDir(), "stream");
    try {
      await this.update((s) => {
        s.status = "Streaming upload in progress.";
      });
      await mkdir(directory, { recursive: true });
      for await (const chunk of chunkIter) {
        let handle = handles.get(chunk.filename);
        if (!handle) {
          handle = await open(join(directory, chunk.filename), "w");
          handles.set(chunk.filename, handle);
        }
        await handle.write(chunk.data, 0, chunk.data.byteLength, chunk.offset);
      }
    } catch (error) {
      if (!(error instanceof UploadCancelledError)) throw error;
      // Cancelled: what was written of the files goes too.
      for (const [name, handle] of handles) await handle.close().then(() => rm(join(directory, name), { force: true }));
      handles.clear();
      await this.update((s) => {
        s.status = "Chunked upload cancelled.";
      });
      return;
    } finally {
      for (const handle of handles.values()) await handle.close();
    }
    await this.update((s) => {
      s.uploadedFiles = [...handles.keys()].sort();
      s.status = "Chunked upload complete.";
    });
  }
}

export function ChunkedPage({ use }: PageContext) {
  const state = use(ChunkUploadState);
  return (
    <VStack padding="2em">
      <Upload id="large_upload" border="2px dashed #ccc" padding="2em">
        <Text>Drop files here or click to select</Text>
      </Upload>
      <Button onClick={ChunkUploadState.on.handleLargeUpload(uploadFilesChunk("large_upload"))}>Upload Large Files</Button>
      <Text id="chunk-status" safe>{state.status}</Text>
      {state.uploadedFiles.map((name) => (
        <Text safe>{name}</Text>
      ))}
    </VStack>
  );
}
