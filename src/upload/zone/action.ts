import { parseArgs } from "../../args";
import { uploadActionText } from "./signing";
import { REFUSE } from "../../refusals";
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
  if (!/^[A-Za-z][\w-]*$/.test(uploadId)) throw REFUSE.uploadWithoutZone();
  if (!raw.handler) {
    throw REFUSE.uploadWithoutHandler(uploadId);
  }
  const resolved = runtime.registry.resolve(raw.handler);
  if (!resolved) throw REFUSE.noHandler(raw.handler);
  const args = parseArgs(raw.args);
  const markerIndex = args.findIndex((arg) => (arg as UploadFilesMarker | null)?.$upload === uploadId);
  if (markerIndex < 0) throw REFUSE.uploadNotInArgs(uploadId);
  const progress = raw.progress || undefined;
  if (progress && !runtime.registry.resolve(progress)) throw REFUSE.noHandler(progress);
  const text = uploadActionText({ id: uploadId, handler: raw.handler, args: raw.args ?? "", progress: progress ?? "" });
  if (!isSigned(runtime.signingKey(sessionId), text, raw.signature)) {
    throw REFUSE.uploadActionAltered();
  }
  const marker = args[markerIndex] as UploadFilesMarker;
  if (marker.chunked && !resolved.background) {
    throw REFUSE.chunkHandlerNotBackground(raw.handler);
  }
  return { uploadId, handler: raw.handler, background: resolved.background, args, markerIndex, marker, progress };
}

/** The handler's arguments with the files (or chunk iterator) in the marker's place. */
export function argumentsWith(action: UploadAction, files: unknown): unknown[] {
  return action.args.map((arg, index) => (index === action.markerIndex ? files : arg));
}
