import type { EventRef } from "../../events/refs";
import type { UploadFilesMarker, UploadProgress } from "../../protocol";
import type { UploadChunkIterator } from "../intake/chunks";
import type { UploadFile } from "../intake/upload-file";

export interface UploadFilesOptions {
  /** A handler that receives `{ loaded, total, progress }` while the upload runs: `S.on.handleProgress`. */
  onUploadProgress?: (progress: UploadProgress) => EventRef;
}

/**
 * Stands in a handler's arguments for the files of upload zone `id`:
 * `S.on.handleUpload(uploadFiles("upload1"))`. The handler receives them as
 * `UploadFile[]`.
 */
export function uploadFiles(id: string, options: UploadFilesOptions = {}): UploadFile[] {
  const marker: UploadFilesMarker = { $upload: id };
  if (options.onUploadProgress) marker.progress = handlerName(options.onUploadProgress);
  return marker as unknown as UploadFile[];
}

// `S.on.handler` is a maker of refs: calling it with no arguments tells its name.
function handlerName(makeRef: (progress: UploadProgress) => EventRef): string {
  return (makeRef as unknown as () => EventRef)().handler;
}

/**
 * Stands in a background handler's arguments for the files of zone `id`,
 * delivered as they arrive: `S.on.handleLargeUpload(uploadFilesChunk("big"))`.
 * The files travel over tus, in chunks, and resume after a dropped connection.
 */
export function uploadFilesChunk(id: string, options: UploadFilesOptions = {}): UploadChunkIterator {
  const marker: UploadFilesMarker = { $upload: id, chunked: true };
  if (options.onUploadProgress) marker.progress = handlerName(options.onUploadProgress);
  return marker as unknown as UploadChunkIterator;
}
