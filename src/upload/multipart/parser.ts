// The byte-level multipart/form-data parser (RFC 7578 over RFC 2046): push
// chunks in, get part events out. It never holds more than one part's
// headers and a delimiter's length of carried-over bytes; part data comes out
// as views of the chunk you passed, valid until your next call to write().

// ---------------------------------------------------------------- errors

import { HttpError } from "../../errors";

export class MultipartError extends HttpError {
  constructor(message: string, status = 400, options?: ErrorOptions) {
    super(status, message);
    if (options?.cause !== undefined) this.cause = options.cause;
    this.name = "MultipartError";
  }
}

export class MissingBoundaryError extends MultipartError {
  constructor(message: string) {
    super(message, 400);
    this.name = "MissingBoundaryError";
  }
}

/** Truncated body, no closing boundary, bad part headers, a part without a name. */
export class MalformedBodyError extends MultipartError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 400, options);
    this.name = "MalformedBodyError";
  }
}

export class HeaderTooLargeError extends MultipartError {
  constructor(limit: number) {
    super(`A part's headers are larger than ${limit} bytes (maxHeaderSize).`, 431);
    this.name = "HeaderTooLargeError";
  }
}

export class TooManyPartsError extends MultipartError {
  constructor(limit: number) {
    super(`The form has more than ${limit} parts (maxParts).`, 413);
    this.name = "TooManyPartsError";
  }
}

// ---------------------------------------------------------------- boundary

// RFC 2046 §5.1.1: boundary := 0*69<bchars> bcharsnospace, 1 to 70 characters.
const BOUNDARY = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/;

/** The boundary of a multipart/form-data Content-Type header. */
export function getBoundary(contentTypeHeader: string | null): string {
  if (!contentTypeHeader) {
    throw new MissingBoundaryError("The request has no Content-Type: send multipart/form-data with a boundary.");
  }
  const { value, params } = parseHeaderValue(contentTypeHeader);
  if (value !== "multipart/form-data") {
    throw new MissingBoundaryError(`Expected Content-Type multipart/form-data, got "${value}".`);
  }
  const boundary = params.get("boundary");
  if (boundary === undefined) {
    throw new MissingBoundaryError("The multipart/form-data Content-Type has no boundary parameter.");
  }
  if (!BOUNDARY.test(boundary)) {
    throw new MissingBoundaryError("The multipart boundary must be 1 to 70 characters allowed by RFC 2046.");
  }
  return boundary;
}

// ---------------------------------------------------------------- part headers

export interface PartHeaders {
  name: string;
  /** Present when the part is a file (even if empty: a file input left blank). */
  fileName?: string;
  contentType: string;
}

/**
 * Splits `type; key=value; key="quoted value"` into a lower-cased value and
 * its parameters (keys lower-cased, the first of a repeated key wins).
 */
export function parseHeaderValue(header: string): { value: string; params: Map<string, string> } {
  const params = new Map<string, string>();
  let i = header.indexOf(";");
  const value = (i === -1 ? header : header.slice(0, i)).trim().toLowerCase();
  while (i !== -1 && i < header.length) {
    const eq = header.indexOf("=", i + 1);
    if (eq === -1) break;
    const key = header.slice(i + 1, eq).trim().toLowerCase();
    let j = eq + 1;
    while (header[j] === " " || header[j] === "\t") j++;
    let param = "";
    if (header[j] === '"') {
      // quoted-string; browsers percent-encode `"` in names (HTML spec), other
      // clients escape it as \" — accept both, and keep any other backslash as
      // sent, since Windows paths and browser file names contain them.
      for (j++; j < header.length && header[j] !== '"'; j++) {
        if (header[j] === "\\" && (header[j + 1] === '"' || header[j + 1] === "\\")) j++;
        param += header[j];
      }
      i = header.indexOf(";", j);
    } else {
      i = header.indexOf(";", j);
      param = header.slice(j, i === -1 ? undefined : i).trim();
    }
    if (key && !params.has(key)) params.set(key, param);
  }
  return { value, params };
}

/** RFC 5987 ext-value: charset'language'percent-encoded, UTF-8 or ISO-8859-1. */
function decodeExtValue(ext: string): string | undefined {
  const match = /^([\w!#$%&+^`{}~-]+)'[^']*'(.*)$/.exec(ext);
  if (!match) return undefined;
  const charset = match[1]!.toLowerCase();
  const encoded = match[2]!;
  try {
    if (charset === "utf-8") return decodeURIComponent(encoded);
    if (charset === "iso-8859-1") {
      return encoded.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    }
  } catch {
    // a malformed percent-sequence: fall back to the plain filename
  }
  return undefined;
}

const utf8 = new TextDecoder();

function parsePartHeaders(block: Uint8Array): PartHeaders {
  let disposition: string | undefined;
  let contentType: string | undefined;
  for (const line of utf8.decode(block).split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon <= 0) throw new MalformedBodyError(`A part has a malformed header line: "${line.slice(0, 100)}".`);
    const key = line.slice(0, colon).trim().toLowerCase();
    if (key === "content-disposition") disposition ??= line.slice(colon + 1);
    else if (key === "content-type") contentType ??= line.slice(colon + 1).trim();
  }
  const params = disposition === undefined ? undefined : parseHeaderValue(disposition).params;
  const name = params?.get("name");
  if (!params || !name) throw new MalformedBodyError("A part has no Content-Disposition name: every form part needs one.");
  const extName = params.has("filename*") ? decodeExtValue(params.get("filename*")!) : undefined;
  const fileName = extName ?? params.get("filename");
  return {
    name,
    fileName,
    contentType: contentType || (fileName === undefined ? "text/plain" : "application/octet-stream"),
  };
}

// ---------------------------------------------------------------- parser

export type PartEvent =
  | { type: "part"; headers: PartHeaders }
  | { type: "data"; bytes: Uint8Array } // a view into the chunk given to write()
  | { type: "end" };

type State = "search" | "after-delimiter" | "headers" | "done";

const CR = 13;
const CRLF = Buffer.from("\r\n");
const CRLFCRLF = Buffer.from("\r\n\r\n");

export class MultipartParser {
  private readonly delimiter: Buffer;
  private state: State = "search";
  private inPart = false;
  private parts = 0;
  // Before the first boundary there is no CRLF to find, so pretend one came:
  // then the first delimiter reads like every later one.
  private carry: Buffer = CRLF;

  constructor(
    boundary: string,
    private readonly limits: { maxHeaderSize: number; maxParts: number },
  ) {
    // RFC 2046 §5.1.1: the boundary delimiter is CRLF "--" boundary. Its only
    // CR is the first byte, since a boundary has no CR in it.
    this.delimiter = Buffer.from(`\r\n--${boundary}`);
  }

  get done(): boolean {
    return this.state === "done";
  }

  /** Throws if the body ended before the closing boundary. */
  finish(): void {
    if (this.state === "done") return;
    if (this.parts === 0 && !this.inPart && this.state === "search") {
      throw new MalformedBodyError("The body does not contain the boundary named in its Content-Type.");
    }
    throw new MalformedBodyError("The body ended before the closing boundary: the upload was cut short.");
  }

  *write(chunk: Uint8Array): Generator<PartEvent> {
    let buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.carry.length > 0) {
      if (this.state === "search") {
        const resolved = yield* this.resolveCarry(buf);
        if (resolved === undefined) return;
        buf = resolved;
      } else {
        // Header bytes or the bytes after a delimiter: small, bounded by maxHeaderSize.
        buf = Buffer.concat([this.carry, buf]);
        this.carry = Buffer.alloc(0);
      }
    }
    let pos = 0;
    while (pos < buf.length && this.state !== "done") {
      if (this.state === "search") pos = yield* this.search(buf, pos);
      else if (this.state === "after-delimiter") pos = yield* this.afterDelimiter(buf, pos);
      else pos = yield* this.headers(buf, pos);
    }
  }

  // The carry is a proper prefix of the delimiter left by the previous chunk.
  // Returns the rest of buf to go on with, or undefined if all of it was carried.
  private *resolveCarry(buf: Buffer): Generator<PartEvent, Buffer | undefined> {
    const need = this.delimiter.length - this.carry.length;
    const probe = Buffer.concat([this.carry, buf.subarray(0, need)]);
    if (probe.length < this.delimiter.length && this.delimiter.subarray(0, probe.length).equals(probe)) {
      this.carry = probe;
      return undefined;
    }
    if (probe.equals(this.delimiter)) {
      this.carry = Buffer.alloc(0);
      this.state = "after-delimiter";
      if (this.inPart) yield { type: "end" };
      return buf.subarray(need);
    }
    // Not a delimiter, and no delimiter can start inside the carry but at its
    // first byte (the only CR), so the carry was data.
    if (this.inPart) yield { type: "data", bytes: this.carry };
    this.carry = Buffer.alloc(0);
    return buf;
  }

  private *search(buf: Buffer, pos: number): Generator<PartEvent, number> {
    const found = buf.indexOf(this.delimiter, pos);
    if (found !== -1) {
      if (this.inPart && found > pos) yield { type: "data", bytes: buf.subarray(pos, found) };
      if (this.inPart) yield { type: "end" };
      this.state = "after-delimiter";
      return found + this.delimiter.length;
    }
    // Hold back the longest tail that could be the start of a delimiter.
    let hold = buf.indexOf(CR, Math.max(pos, buf.length - this.delimiter.length + 1));
    while (hold !== -1 && !this.delimiter.subarray(0, buf.length - hold).equals(buf.subarray(hold))) {
      hold = buf.indexOf(CR, hold + 1);
    }
    const end = hold === -1 ? buf.length : hold;
    if (this.inPart && end > pos) yield { type: "data", bytes: buf.subarray(pos, end) };
    if (hold !== -1) this.carry = Buffer.from(buf.subarray(hold));
    return buf.length;
  }

  // After a delimiter: "--" closes the body; else optional transport padding
  // (RFC 2046: LWSP) and the CRLF that starts the next part's headers.
  private *afterDelimiter(buf: Buffer, pos: number): Generator<PartEvent, number> {
    let i = pos;
    while (buf[i] === 0x20 || buf[i] === 0x09) i++;
    if (i + 2 > buf.length) {
      if (buf.length - pos > this.limits.maxHeaderSize) throw new HeaderTooLargeError(this.limits.maxHeaderSize);
      this.carry = Buffer.from(buf.subarray(pos));
      return buf.length;
    }
    if (i === pos && buf[i] === 0x2d && buf[i + 1] === 0x2d) {
      this.state = "done"; // what follows is the epilogue, to be ignored
      return buf.length;
    }
    if (buf[i] !== CR || buf[i + 1] !== 0x0a) {
      throw new MalformedBodyError("A boundary in the body is followed by something other than a line break.");
    }
    this.parts++;
    if (this.parts > this.limits.maxParts) throw new TooManyPartsError(this.limits.maxParts);
    this.state = "headers";
    return i + 2;
  }

  private *headers(buf: Buffer, pos: number): Generator<PartEvent, number> {
    // An empty header block is a bare CRLF; otherwise the block ends with CRLFCRLF.
    const empty = buf.length - pos >= 2 && buf[pos] === CR && buf[pos + 1] === 0x0a;
    const end = empty ? pos : buf.indexOf(CRLFCRLF, pos);
    if (end === -1) {
      // Up to 3 of the bytes held may be the start of the closing CRLFCRLF.
      if (buf.length - pos > this.limits.maxHeaderSize + 3) throw new HeaderTooLargeError(this.limits.maxHeaderSize);
      this.carry = Buffer.from(buf.subarray(pos));
      return buf.length;
    }
    if (end - pos > this.limits.maxHeaderSize) throw new HeaderTooLargeError(this.limits.maxHeaderSize);
    const headers = parsePartHeaders(buf.subarray(pos, end));
    this.state = "search";
    this.inPart = true;
    yield { type: "part", headers };
    return end + (empty ? 2 : 4);
  }
}
