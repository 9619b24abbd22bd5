import { parseArgs } from "../../args";
import { uploadActionText } from "./signing";
import { HttpError } from "../../errors";
import type { UploadFilesMarker } from "../../protocol";
import type { Runtime } from "../../runtime";
import { isSigned } from "../../state/session";

/** What an upload is for: the handler, its arguments and where the files go in them. */
export interface UploadAction {
  uploadId: string;
  handler: string;
  background: boolean;
  args: unknown[];
  markerIndex: number;
  marker: UploadFilesMarker;
  progress?: string;
}

export interface RawUploadAction {
  id: string | null | undefined;
  handler: string | null | undefined;
  args: string | null | undefined;
  progress: string | null | undefined;
  signature: string | null | undefined;
}

/**
 * Reads an upload's handler, arguments and progress handler as the page
 * rendered them, refusing any the session's pages did not sign: a handler
 * cannot be fed files through another zone's looser limits.
 */
export function readUploadAction(runtime: Runtime, sessionId: string, raw: RawUploadAction): UploadAction {
  const uploadId = raw.id ?? "";
  if (!/^[A-Za-z][\w-]*$/.test(uploadId)) throw new HttpError(400, "This upload names no upload zone (id)");
  if (!raw.handler) {
    throw new HttpError(400, `Upload "${uploadId}" has no handler: give a button onClick={S.on.handler(uploadFiles("${uploadId}"))} or the zone an onDrop`);
  }
  const resolved = runtime.registry.resolve(raw.handler);
  if (!resolved) throw new HttpError(404, `No handler named ${raw.handler}`);
  const args = parseArgs(raw.args);
  const markerIndex = args.findIndex((arg) => (arg as UploadFilesMarker | null)?.$upload === uploadId);
  if (markerIndex < 0) throw new HttpError(400, `The handler's arguments do not carry uploadFiles("${uploadId}")`);
  const progress = raw.progress || undefined;
  if (progress && !runtime.registry.resolve(progress)) throw new HttpError(404, `No handler named ${progress}`);
  const text = uploadActionText({ id: uploadId, handler: raw.handler, args: raw.args ?? "", progress: progress ?? "" });
  if (!isSigned(runtime.signingKey(sessionId), text, raw.signature)) {
    throw new HttpError(400, "This upload's handler or arguments are not the ones the page was rendered with: reload the page and try again");
  }
  const marker = args[markerIndex] as UploadFilesMarker;
  if (marker.chunked && !resolved.background) {
    throw new HttpError(422, `${raw.handler} must be marked @background to read an UploadChunkIterator`);
  }
  return { uploadId, handler: raw.handler, background: resolved.background, args, markerIndex, marker, progress };
}

/** The handler's arguments with the files (or chunk iterator) in the marker's place. */
export function argumentsWith(action: UploadAction, files: unknown): unknown[] {
  return action.args.map((arg, index) => (index === action.markerIndex ? files : arg));
}
