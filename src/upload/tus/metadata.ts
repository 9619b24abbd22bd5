// Upload-Metadata, read strictly and written back the same way.
//
// "The Upload-Metadata request and response header MUST consist of one or
// more comma-separated key-value pairs. The key and value MUST be separated by
// a space. The key MUST NOT contain spaces and commas and MUST NOT be empty.
// The key SHOULD be ASCII encoded and the value MUST be Base64 encoded. All
// keys MUST be unique. The value MAY be empty. In these cases, the space,
// which would normally separate the key and the value, MAY be left out."

import { ERRORS, TusError } from "./protocol";

/** Printable ASCII except space (0x20) and comma (0x2C). */
const KEY = /^[\x21-\x2b\x2d-\x7e]+$/;

/** Standard Base64; padding optional, as some clients leave it out. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * The decoded key/value pairs of an Upload-Metadata header. A key without a
 * value maps to "". Values must be Base64 of UTF-8 text. An absent or empty
 * header is no metadata. Anything else malformed throws a 400 TusError.
 */
export function parseMetadata(header: string | null): Record<string, string> {
  // A Map, then fromEntries: a "__proto__" key stays a plain key.
  const metadata = new Map<string, string>();
  if (header === null || header.trim() === "") return {};
  for (const rawPair of header.split(",")) {
    // Optional whitespace after a comma is usual in HTTP lists; inside a pair it is not allowed.
    const pair = rawPair.trim();
    const space = pair.indexOf(" ");
    const key = space === -1 ? pair : pair.slice(0, space);
    const value = space === -1 ? "" : pair.slice(space + 1);
    if (!KEY.test(key) || metadata.has(key)) throw new TusError(ERRORS.invalidMetadata);
    metadata.set(key, decodeValue(value));
  }
  return Object.fromEntries(metadata);
}

/** The Upload-Metadata header for a record; keys must follow the rules parseMetadata enforces. */
export function serializeMetadata(metadata: Record<string, string>): string {
  return Object.entries(metadata)
    .map(([key, value]) => {
      // A writer guards its own framing: a bad key would corrupt every pair after it.
      if (!KEY.test(key)) throw new TypeError(`Upload-Metadata key ${JSON.stringify(key)} must be ASCII without spaces or commas`);
      return value === "" ? key : `${key} ${Buffer.from(value, "utf8").toString("base64")}`;
    })
    .join(",");
}

function decodeValue(value: string): string {
  if (!BASE64.test(value)) throw new TusError(ERRORS.invalidMetadata);
  try {
    return utf8.decode(Buffer.from(value, "base64"));
  } catch {
    throw new TusError(ERRORS.invalidMetadata);
  }
}
