// The checksum extension: parse Upload-Checksum and hash a PATCH body as it
// streams by.
//
// "The Upload-Checksum header MUST consist of the name of the used checksum
// algorithm and the Base64 encoded checksum separated by a space."

import { createHash, type Hash } from "node:crypto";
import { CHECKSUM_ALGORITHMS, ERRORS, TusError, type ChecksumAlgorithm } from "./protocol";

const PADDED_BASE64 = /^(?:[A-Za-z0-9+/]{4})+$|^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)$/;

export interface ExpectedChecksum {
  algorithm: ChecksumAlgorithm;
  digest: Uint8Array;
}

/** The expected checksum of a PATCH body, or undefined without the header; 400 TusError if malformed or unsupported. */
export function parseChecksumHeader(header: string | null): ExpectedChecksum | undefined {
  if (header === null) return undefined;
  const parts = header.trim().split(" ");
  if (parts.length !== 2) throw new TusError(ERRORS.invalidChecksum);
  const [name, encoded] = parts as [string, string];
  // "400 Bad Request if the checksum algorithm is not supported by the server"
  if (!isSupported(name)) throw new TusError(ERRORS.unsupportedChecksum);
  if (!PADDED_BASE64.test(encoded)) throw new TusError(ERRORS.invalidChecksum);
  // A digest of the wrong length is well-formed but can never match: the
  // body is read and answered 460, as for any other mismatch.
  return { algorithm: name, digest: new Uint8Array(Buffer.from(encoded, "base64")) };
}

/** Hashes bytes as they arrive; `matches()` compares once the body has ended. */
export class ChecksumVerifier {
  private readonly hash: Hash;

  constructor(private readonly expected: ExpectedChecksum) {
    this.hash = createHash(expected.algorithm);
  }

  update(bytes: Uint8Array): void {
    this.hash.update(bytes);
  }

  matches(): boolean {
    return Buffer.from(this.expected.digest).equals(this.hash.digest());
  }
}

function isSupported(name: string): name is ChecksumAlgorithm {
  return (CHECKSUM_ALGORITHMS as readonly string[]).includes(name);
}
