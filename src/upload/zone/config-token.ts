import { isSigned, sign } from "../../state/session";
import type { UploadConfig } from "../../protocol";

/**
 * An upload zone's limits travel with its form, signed with the session's
 * signing key: the server checks each request against the limits the page
 * was rendered with, and a browser cannot loosen them.
 */
export function signUploadConfig(key: string, config: UploadConfig): string {
  const payload = Buffer.from(JSON.stringify(config)).toString("base64url");
  return `${payload}.${sign(key, `upload-config:${payload}`)}`;
}

/** The config in a token, or undefined when the token is malformed or was not signed with `key`. */
export function verifyUploadConfig(key: string, token: string | null | undefined): UploadConfig | undefined {
  if (!token) return undefined;
  const [payload, signature, extra] = token.split(".");
  if (!payload || !signature || extra !== undefined) return undefined;
  if (!isSigned(key, `upload-config:${payload}`, signature)) return undefined;
  try {
    return JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as UploadConfig;
  } catch {
    return undefined;
  }
}
