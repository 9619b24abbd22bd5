// Handing an upload to its handlers, the same for every transport: progress
// to the progress handler at a bounded rate, the files to a file handler
// (what it did not keep is deleted after), or a queue of chunks to a chunk
// handler.

import type { EventOutcome, Runtime } from "../../runtime";
import { argumentsWith, type UploadAction } from "../zone/action";
import { UploadChunkIterator } from "./chunks";
import { progressReporter } from "./progress";
import type { UploadFile } from "./upload-file";

export type ProgressReporter = ReturnType<typeof progressReporter>;

/** The upload's progress reporter, when its page named a progress handler; `total` may grow as files are announced. */
export function progressFor(runtime: Runtime, sessionId: string, action: UploadAction, total: number | (() => number), intervalMs: number): ProgressReporter | undefined {
  const handler = action.progress;
  if (!handler) return undefined;
  return progressReporter(total, intervalMs, (value) => runtime.runEvent(sessionId, handler, [value]));
}

/** Runs the file handler with the files in its marker's place; files it did not save or move are deleted after. */
export async function deliverFiles(runtime: Runtime, sessionId: string, action: UploadAction, files: UploadFile[], origin?: { tabId?: string }): Promise<EventOutcome> {
  try {
    return await runtime.runEvent(sessionId, action.handler, argumentsWith(action, files), origin);
  } finally {
    await Promise.all(files.map((file) => file.discard()));
  }
}

/** Starts the (background) chunk handler on a fresh queue: push chunks into it as bytes arrive. */
export function startChunkHandler(runtime: Runtime, sessionId: string, action: UploadAction): { chunks: UploadChunkIterator; run: Promise<EventOutcome> } {
  const chunks = new UploadChunkIterator();
  return { chunks, run: runtime.runEvent(sessionId, action.handler, argumentsWith(action, chunks)) };
}
