// The tus 1.0.0 wire vocabulary in one place: header names, the version and
// extensions this server speaks, and every refusal it can answer with.
// Handlers throw `new TusError(ERRORS.x)`; one mapper turns it into a response.
// https://tus.io/protocols/resumable-upload

import { HttpError } from "../../errors";

export const TUS_VERSION = "1.0.0";

export const TUS_EXTENSIONS = ["creation", "creation-with-upload", "termination", "checksum", "expiration"] as const;

export const CHECKSUM_ALGORITHMS = ["sha1", "sha256"] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

export const PATCH_CONTENT_TYPE = "application/offset+octet-stream";

export const TUS_HEADERS = {
  resumable: "Tus-Resumable",
  version: "Tus-Version",
  extension: "Tus-Extension",
  maxSize: "Tus-Max-Size",
  checksumAlgorithm: "Tus-Checksum-Algorithm",
  uploadOffset: "Upload-Offset",
  uploadLength: "Upload-Length",
  uploadDeferLength: "Upload-Defer-Length",
  uploadMetadata: "Upload-Metadata",
  uploadExpires: "Upload-Expires",
  uploadChecksum: "Upload-Checksum",
  methodOverride: "X-HTTP-Method-Override",
} as const;

/** Upload ids this server hands out and accepts; anything else is 404 before the disk is touched. */
/** "If the X-HTTP-Method-Override request header is present, the Server MUST use its value as the request method." */
export function effectiveMethod(request: Request): string {
  return (request.headers.get(TUS_HEADERS.methodOverride) ?? request.method).toUpperCase();
}

export const UPLOAD_ID_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

/** Whether `id` can name an upload of this server: the one check every id from a URL passes before any store sees it. */
export const isUploadId = (id: string): boolean => UPLOAD_ID_PATTERN.test(id);

export interface TusErrorEntry {
  status: number;
  body: string;
}

/** Every answer other than success, with a message a person (or a tus client's log) can act on. */
export const ERRORS = {
  unsupportedVersion: { status: 412, body: `This server speaks tus ${TUS_VERSION}: send "Tus-Resumable: ${TUS_VERSION}".` },
  notFound: { status: 404, body: "No such upload: it was never created, was terminated, or expired and was removed." },
  expired: { status: 410, body: "The upload expired before it was completed: start a new upload." },
  methodNotAllowed: { status: 405, body: "Use OPTIONS, POST, HEAD, PATCH or DELETE on a tus endpoint." },
  lengthRequired: { status: 400, body: "Upload-Length is required: the size of the whole upload in bytes." },
  invalidLength: { status: 400, body: "Upload-Length must be a non-negative integer in bytes (digits only)." },
  deferLengthUnsupported: { status: 400, body: "Upload-Defer-Length is not supported here: send Upload-Length." },
  invalidMetadata: {
    status: 400,
    body: 'Upload-Metadata must be comma-separated "key base64value" pairs with unique, non-empty ASCII keys without spaces or commas.',
  },
  tooLarge: { status: 413, body: "The upload is larger than this server accepts (see Tus-Max-Size)." },
  invalidContentType: { status: 415, body: `A PATCH body must be sent with "Content-Type: ${PATCH_CONTENT_TYPE}".` },
  invalidOffset: { status: 400, body: "Upload-Offset is required and must be a non-negative integer in bytes (digits only)." },
  offsetMismatch: { status: 409, body: "Upload-Offset does not match the stored offset: HEAD the upload and resume from its Upload-Offset." },
  locked: { status: 423, body: "Another request is writing to this upload: retry once it has finished." },
  terminated: { status: 410, body: "The upload was terminated while this request was writing to it." },
  closing: { status: 503, body: "The server is shutting down: retry in a moment." },
  pastLength: { status: 413, body: "The body would take the upload past its Upload-Length: nothing past the length is stored." },
  chunkTooLarge: { status: 413, body: "A PATCH with Upload-Checksum is buffered here: send smaller chunks." },
  bodyInterrupted: {
    status: 400,
    body: "The request body ended early; the bytes received were kept: HEAD the upload and resume from its Upload-Offset.",
  },
  invalidChecksum: { status: 400, body: 'Upload-Checksum must be "<algorithm> <base64 digest>", the digest in padded base64.' },
  unsupportedChecksum: { status: 400, body: `Upload-Checksum algorithm not supported: use one of ${CHECKSUM_ALGORITHMS.join(", ")}.` },
  headIncomplete: {
    status: 400,
    body: "The first PATCH of this upload must carry its first bytes (4 KiB, or the whole file when smaller): they are checked before anything is kept.",
  },
  dataGone: { status: 410, body: "The upload's bytes are gone from the server: start the upload again." },
  checksumMismatch: { status: 460, body: "Checksum mismatch: the PATCH was discarded and the offset is unchanged; send it again." },
} as const satisfies Record<string, TusErrorEntry>;

/** A refusal from the ERRORS table, thrown by handlers and answered at the edge. */
export class TusError extends HttpError {
  constructor(entry: TusErrorEntry, headers: Record<string, string> = {}) {
    super(entry.status, entry.body, headers);
    this.name = "TusError";
  }
}
