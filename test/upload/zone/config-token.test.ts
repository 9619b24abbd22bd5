import { describe, expect, test } from "bun:test";
import type { UploadConfig } from "../../../src/protocol";
import { signUploadConfig, verifyUploadConfig } from "../../../src/upload/zone/config-token";

const SECRET = "session-key-1";
const CONFIG: UploadConfig = {
  id: "photos",
  accept: { "image/png": [".png"], "image/*": [] },
  maxFiles: 3,
  maxSize: 5 * 1024 * 1024,
  minSize: 1,
  multiple: true,
  noClick: false,
};

/** The token with one character at `index` changed to another allowed one. */
function alterAt(token: string, index: number): string {
  return `${token.slice(0, index)}${token[index] === "A" ? "B" : "A"}${token.slice(index + 1)}`;
}

describe("upload config tokens", () => {
  test("a signed config verifies to the same config", () => {
    expect(verifyUploadConfig(SECRET, signUploadConfig(SECRET, CONFIG))).toEqual(CONFIG);
  });

  test("the token holds only URL-safe characters, so it can ride in a query string", () => {
    expect(signUploadConfig(SECRET, { ...CONFIG, id: "ünïcode-zone" })).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  });

  test("a config with a loosened limit does not verify with the original signature", () => {
    const [, signature] = signUploadConfig(SECRET, CONFIG).split(".");
    const loosened = Buffer.from(JSON.stringify({ ...CONFIG, maxSize: 10 ** 12 })).toString("base64url");
    expect(verifyUploadConfig(SECRET, `${loosened}.${signature}`)).toBeUndefined();
  });

  test("a token with one character of its payload changed does not verify", () => {
    expect(verifyUploadConfig(SECRET, alterAt(signUploadConfig(SECRET, CONFIG), 3))).toBeUndefined();
  });

  test("a token with one character of its signature changed does not verify", () => {
    const token = signUploadConfig(SECRET, CONFIG);
    expect(verifyUploadConfig(SECRET, alterAt(token, token.length - 2))).toBeUndefined();
  });

  test("a token with a shortened or lengthened signature does not verify", () => {
    const token = signUploadConfig(SECRET, CONFIG);
    expect(verifyUploadConfig(SECRET, token.slice(0, -1))).toBeUndefined();
    expect(verifyUploadConfig(SECRET, `${token}A`)).toBeUndefined();
  });

  test("a token signed with another key does not verify", () => {
    expect(verifyUploadConfig("session-key-2", signUploadConfig(SECRET, CONFIG))).toBeUndefined();
  });

  test("garbage, empty and missing tokens give undefined rather than throwing", () => {
    const token = signUploadConfig(SECRET, CONFIG);
    for (const garbage of [null, undefined, "", ".", "abc", "a.b", "a.b.c", `${token}.extra`, `.${token.split(".")[1]}`, `${token.split(".")[0]}.`, "💥.💥"]) {
      expect(verifyUploadConfig(SECRET, garbage)).toBeUndefined();
    }
  });
});
