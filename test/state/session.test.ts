import { describe, expect, test } from "bun:test";
import {
  csrfToken,
  isValidCsrfToken,
  newSessionId,
  readSessionId,
  SESSION_COOKIE,
  sessionCookie,
} from "../../src/state/session";

describe("session ids", () => {
  test("a new session id carries at least 128 random bits in URL-safe characters", () => {
    const id = newSessionId();
    expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
    // base64url: six bits per character.
    expect(id.length * 6).toBeGreaterThanOrEqual(128);
  });

  test("two new session ids differ", () => {
    const ids = new Set(Array.from({ length: 100 }, () => newSessionId()));
    expect(ids.size).toBe(100);
  });

  test("reads the session id among other cookies", () => {
    const id = newSessionId();
    expect(readSessionId(`theme=dark; ${SESSION_COOKIE}=${id}; lang=en`)).toBe(id);
  });

  test("ignores a malformed session cookie", () => {
    expect(readSessionId(`${SESSION_COOKIE}=abc`)).toBeUndefined();
    expect(readSessionId(`${SESSION_COOKIE}=${"a".repeat(42)}!`)).toBeUndefined();
    expect(readSessionId(`${SESSION_COOKIE}=${newSessionId()}x`)).toBeUndefined();
    expect(readSessionId(`${SESSION_COOKIE}=`)).toBeUndefined();
    expect(readSessionId(null)).toBeUndefined();
  });

  test("ignores a cookie whose name only contains the session cookie's name", () => {
    expect(readSessionId(`x${SESSION_COOKIE}=${newSessionId()}`)).toBeUndefined();
  });
});

describe("the session cookie", () => {
  test("is HttpOnly, SameSite=Lax and scoped to the whole site", () => {
    const cookie = sessionCookie("id", false);
    expect(cookie).toStartWith(`${SESSION_COOKIE}=id;`);
    expect(cookie).toContain("; HttpOnly");
    expect(cookie).toContain("; SameSite=Lax");
    expect(cookie).toContain("; Path=/");
    expect(cookie).not.toContain("Secure");
  });

  test("is Secure when asked", () => {
    expect(sessionCookie("id", true)).toContain("; Secure");
  });
});

describe("csrf tokens", () => {
  test("accepts the token made for the same session and secret", () => {
    const token = csrfToken("secret", "session-a");
    expect(isValidCsrfToken("secret", "session-a", token)).toBe(true);
  });

  test("refuses a token made for another session", () => {
    expect(isValidCsrfToken("secret", "session-a", csrfToken("secret", "session-b"))).toBe(false);
  });

  test("refuses a token made with another secret", () => {
    expect(isValidCsrfToken("secret", "session-a", csrfToken("other", "session-a"))).toBe(false);
  });

  test("refuses a missing, empty, truncated or non-string token", () => {
    const token = csrfToken("secret", "session-a");
    expect(isValidCsrfToken("secret", "session-a", null)).toBe(false);
    expect(isValidCsrfToken("secret", "session-a", "")).toBe(false);
    expect(isValidCsrfToken("secret", "session-a", token.slice(0, -1))).toBe(false);
    expect(isValidCsrfToken("secret", "session-a", [token])).toBe(false);
  });
});
