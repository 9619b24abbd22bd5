// GET and HEAD /_upload/<path>: the files of the upload directory, and never
// anything outside it. Uploaded files are whatever a stranger sent, so every
// response says what it is (nosniff), cannot run script (CSP sandbox), and is
// shown inline only when it is a kind of media that cannot carry script.

import { HttpError } from "../../errors";
import { diskStorage } from "../storage/disk";
import type { StoredObject, UploadStorage } from "../storage/storage";

// ---------------------------------------------------------------- errors

export class UploadServeError extends HttpError {
  constructor(message: string, status: number) {
    super(status, message);
    this.name = "UploadServeError";
  }
}

const SERVE_ERRORS = {
  badEncoding: {
    status: 400,
    body: "The file path is not valid percent-encoding. Build upload URLs with getUploadUrl().",
  },
  notFound: { status: 404, body: "There is no such file in the upload directory." },
  methodNotAllowed: { status: 405, body: "Uploaded files can only be read with GET or HEAD." },
  rangeNotSatisfiable: { status: 416, body: "The requested byte range starts past the end of the file." },
} as const;

type ServeErrorEntry = (typeof SERVE_ERRORS)[keyof typeof SERVE_ERRORS];

function serveError(entry: ServeErrorEntry): UploadServeError {
  return new UploadServeError(entry.body, entry.status);
}

// ---------------------------------------------------------------- headers

// `sandbox` gives a served document an opaque origin with scripts off, so an
// HTML or SVG file opened directly runs nothing and reaches no cookie;
// `default-src 'none'` stops it loading anything but its own images, media and
// inline styles.
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; sandbox";

// Shown in the browser: formats that cannot carry script. SVG is an image
// that can, so it is not here.
const INLINE_TYPES = new Set([
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
  "image/avif",
  "image/bmp",
  "image/x-ms-bmp",
  "image/x-icon",
  "image/vnd.microsoft.icon",
  "application/pdf",
]);

function isInlineType(mediaType: string): boolean {
  return INLINE_TYPES.has(mediaType) || mediaType.startsWith("audio/") || mediaType.startsWith("video/");
}

function securityHeaders(): Headers {
  return new Headers({
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
  });
}

/** RFC 6266: a quoted ASCII fallback for old clients, and the exact name as RFC 8187 UTF-8. */
function contentDisposition(disposition: "inline" | "attachment", fileName: string): string {
  // No quote, backslash or control character can end the quoted string early;
  // "%" is replaced because some browsers percent-decode `filename`.
  const asciiName = fileName.replace(/[^\x20-\x7e]|["\\%]/gu, "_");
  const encodedName = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${disposition}; filename="${asciiName}"; filename*=UTF-8''${encodedName}`;
}

// ---------------------------------------------------------------- serving

/**
 * Serves `rawPath` (the request path after `/_upload/`, still
 * percent-encoded, without the query) from `uploadDir`. Answers 400 for
 * malformed percent-encoding, 404 for anything missing, outside the
 * directory, or not a regular file, 405 for methods other than GET and HEAD.
 */
export function serveUploadedFile(uploadDir: string, rawPath: string, request: Request): Promise<Response> {
  return serveStoredFile(diskStorage(() => uploadDir), rawPath, request);
}

/** The same, from any UploadStorage: the HTTP rules here, where the bytes come from there. */
export async function serveStoredFile(storage: UploadStorage, rawPath: string, request: Request): Promise<Response> {
  if (request.method !== "GET" && request.method !== "HEAD") {
    const response = errorResponse(serveError(SERVE_ERRORS.methodNotAllowed));
    response.headers.set("Allow", "GET, HEAD");
    return response;
  }
  try {
    const segments = decodeRequestedPath(rawPath);
    const stored = await storage.open(segments);
    if (!stored) throw serveError(SERVE_ERRORS.notFound);
    return respondWithFile(stored, segments[segments.length - 1]!, request);
  } catch (error) {
    if (error instanceof UploadServeError) return errorResponse(error);
    throw error;
  }
}

function errorResponse(error: UploadServeError): Response {
  const headers = securityHeaders();
  headers.set("Content-Type", "text/plain;charset=utf-8");
  return new Response(error.message, { status: error.status, headers });
}

/**
 * Decodes the path exactly once and splits it into names. The result is
 * taken literally from here on and never decoded again, so `%252e%252e`
 * names a file called `%2e%2e`, not the parent folder; refusing literal `%2e`
 * as well would only make such uploaded names unreachable.
 */
function decodeRequestedPath(rawPath: string): string[] {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    throw serveError(SERVE_ERRORS.badEncoding);
  }
  // A leading or doubled "/" (an absolute path), "." or "..", a backslash
  // (a separator on Windows) or NUL never names an uploaded file.
  const segments = decoded.split("/");
  const refused =
    decoded.includes("\0") ||
    decoded.includes("\\") ||
    segments.some((segment) => segment === "" || segment === "." || segment === "..");
  if (refused) throw serveError(SERVE_ERRORS.notFound);
  return segments;
}

function respondWithFile(stored: StoredObject, fileName: string, request: Request): Response {
  const file = stored.blob;
  // The type by the name's extension, as a file's own bytes are the uploader's to choose.
  const contentType = Bun.file(fileName).type;
  const mediaType = contentType.split(";")[0]!.trim().toLowerCase();
  const etag = `"${Math.floor(stored.lastModified.getTime()).toString(16)}-${stored.size.toString(16)}"`;
  const lastModified = stored.lastModified.toUTCString();

  const headers = securityHeaders();
  headers.set("ETag", etag);
  headers.set("Last-Modified", lastModified);
  // Uploads may be private to a user: caches may keep them only after asking.
  headers.set("Cache-Control", "private, no-cache");
  if (isNotModified(request.headers, etag, stored.lastModified)) {
    return new Response(null, { status: 304, headers });
  }

  headers.set("Content-Type", contentType);
  headers.set("Content-Disposition", contentDisposition(isInlineType(mediaType) ? "inline" : "attachment", fileName));
  headers.set("Accept-Ranges", "bytes");
  const isHead = request.method === "HEAD";

  // RFC 9110 14.2: "A server MUST ignore a Range header field received with
  // a request method that is unrecognized or for which range handling is not
  // defined." It is defined for GET only.
  const range = isHead ? null : requestedRange(request.headers, stored.size, etag, lastModified);
  if (range === "unsatisfiable") {
    const response = errorResponse(serveError(SERVE_ERRORS.rangeNotSatisfiable));
    response.headers.set("Content-Range", `bytes */${stored.size}`);
    return response;
  }
  if (range) {
    headers.set("Content-Range", `bytes ${range.start}-${range.end}/${stored.size}`);
    headers.set("Content-Length", String(range.end - range.start + 1));
    return new Response(bodyOf(file.slice(range.start, range.end + 1)), { status: 206, headers });
  }
  headers.set("Content-Length", String(stored.size));
  // Bun.file streams from disk; nothing is read into memory up front. HEAD
  // gets the file too: Bun sends no body for it, and a null body would make
  // it answer Content-Length: 0.
  return new Response(bodyOf(file), { status: 200, headers });
}

/**
 * Bun sends a BunFile itself, but takes `new Response(s3File)` as a redirect
 * to the bucket and refuses headers with it: a bucket's object is streamed
 * through instead (chunked, so without Content-Length).
 */
function bodyOf(blob: Blob): Blob | ReadableStream<Uint8Array> {
  return "presign" in blob ? blob.stream() : blob;
}

// ---------------------------------------------------------------- conditions and ranges

/** RFC 9110 13.1.2 and 13.1.3: If-None-Match wins; If-Modified-Since only when it is absent. */
function isNotModified(requestHeaders: Headers, etag: string, modified: Date): boolean {
  const ifNoneMatch = requestHeaders.get("If-None-Match");
  if (ifNoneMatch !== null) {
    // "A recipient MUST use the weak comparison function when comparing
    // entity tags for If-None-Match."
    const opaque = (tag: string) => tag.trim().replace(/^W\//, "");
    return ifNoneMatch.trim() === "*" || ifNoneMatch.split(",").some((tag) => opaque(tag) === opaque(etag));
  }
  const ifModifiedSince = Date.parse(requestHeaders.get("If-Modified-Since") ?? "");
  // HTTP dates have whole seconds; the file's time has milliseconds.
  return !Number.isNaN(ifModifiedSince) && Math.floor(modified.getTime() / 1000) * 1000 <= ifModifiedSince;
}

interface ByteRange {
  start: number;
  end: number;
}

/**
 * The one byte range to send, "unsatisfiable" for a 416, or null for the
 * whole file: no Range, a Range we do not read (other units, several ranges,
 * bad syntax), or an If-Range that no longer matches the file.
 */
function requestedRange(
  requestHeaders: Headers,
  size: number,
  etag: string,
  lastModified: string,
): ByteRange | "unsatisfiable" | null {
  const header = requestHeaders.get("Range");
  if (header === null) return null;
  // RFC 9110 13.1.5: if the validator in If-Range does not match, "the
  // server MUST ignore the Range header field" and send the whole file.
  const ifRange = requestHeaders.get("If-Range");
  if (ifRange !== null && ifRange.trim() !== etag && ifRange.trim() !== lastModified) return null;

  const match = /^bytes=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header.trim());
  if (!match || (match[1] === "" && match[2] === "")) return null;
  const [, first, last] = match;

  if (first === "") {
    // "bytes=-n": the last n bytes.
    const suffixLength = Number(last);
    if (suffixLength === 0 || size === 0) return "unsatisfiable";
    return { start: Math.max(0, size - suffixLength), end: size - 1 };
  }
  const start = Number(first);
  const end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
  // RFC 9110 14.1.1: a range whose last position is below its first is
  // invalid, and an invalid Range is ignored.
  if (last !== "" && Number(last) < start) return null;
  if (start >= size) return "unsatisfiable";
  return { start, end };
}
