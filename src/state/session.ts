import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export const SESSION_COOKIE = "hs_session";

/** 256 random bits, URL-safe. */
export function newSessionId(): string {
  return randomBytes(32).toString("base64url");
}

const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

export function readSessionId(cookieHeader: string | null): string | undefined {
  if (!cookieHeader) return undefined;
  for (const part of cookieHeader.split(";")) {
    const [name, value] = part.trim().split("=", 2);
    if (name === SESSION_COOKIE && value && SESSION_ID.test(value)) return value;
  }
  return undefined;
}

export function sessionCookie(sessionId: string, secure: boolean): string {
  return `${SESSION_COOKIE}=${sessionId}; Path=/; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`;
}

/**
 * The token a page embeds in forms that post without JavaScript: an HMAC of
 * the session id, so it needs no storage and cannot be forged without the secret.
 */
export function csrfToken(secret: string, sessionId: string): string {
  return sign(secret, sessionId);
}

export function isValidCsrfToken(secret: string, sessionId: string, token: unknown): boolean {
  return isSigned(secret, sessionId, token);
}

/**
 * The key that signs what a page hands the browser to send back unchanged
 * (an upload zone's limits, an upload's handler): derived from the secret
 * and the session, and never rendered, unlike the form token.
 */
export function signingKey(secret: string, sessionId: string): string {
  return createHmac("sha256", secret).update(`signing:${sessionId}`).digest("base64url");
}

export function sign(key: string, text: string): string {
  return createHmac("sha256", key).update(text).digest("base64url");
}

export function isSigned(key: string, text: string, signature: unknown): boolean {
  if (typeof signature !== "string") return false;
  const expected = Buffer.from(sign(key, text));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
