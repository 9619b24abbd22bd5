import { createHmac, timingSafeEqual } from "node:crypto";
import type { UploadConfig } from "../protocol";

/**
 * An upload zone's limits travel with its form, signed: the server checks
 * each request against the limits the page was rendered with, and a browser
 * cannot loosen them.
 */
export function signUploadConfig(secret: string, config: UploadConfig): string {
  const payload = Buffer.from(JSON.stringify(config)).toString("base64url");
  return `${payload}.${mac(secret, payload)}`;
}

/** The config in a token, or undefined when the token is malformed or was not signed here. */
export function verifyUploadConfig(secret: string, token: string | null | undefined): UploadConfig | undefined {
  if (!token) return undefined;
  const [payload, signature, extra] = token.split(".");
  if (!payload || !signature || extra !== undefined) return undefined;
  const expected = Buffer.from(mac(secret, payload));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    return JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as UploadConfig;
  } catch {
    return undefined;
  }
}

function mac(secret: string, payload: string): string {
  return createHmac("sha256", secret).update(`upload-config:${payload}`).digest("base64url");
}
