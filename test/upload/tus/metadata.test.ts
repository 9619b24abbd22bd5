import { describe, expect, test } from "bun:test";
import { parseMetadata, serializeMetadata } from "../../../src/upload/tus/metadata";

describe("parseMetadata", () => {
  test("decodes comma-separated key and base64 value pairs", () => {
    expect(parseMetadata("filename d29ybGRfZG9taW5hdGlvbl9wbGFuLnBkZg==,is_confidential")).toEqual({
      filename: "world_domination_plan.pdf",
      is_confidential: "",
    });
  });

  test("decodes UTF-8 values such as accented file names", () => {
    expect(parseMetadata(`filename ${Buffer.from("café.png").toString("base64")}`)).toEqual({ filename: "café.png" });
  });

  test("accepts a space after the comma between pairs", () => {
    expect(parseMetadata("a YQ==, b Yg==")).toEqual({ a: "a", b: "b" });
  });

  test("accepts base64 without its padding", () => {
    expect(parseMetadata("a YQ")).toEqual({ a: "a" });
  });

  test("treats an absent or empty header as no metadata", () => {
    expect(parseMetadata(null)).toEqual({});
    expect(parseMetadata("")).toEqual({});
  });

  test("refuses a value that is not base64", () => {
    expect(() => parseMetadata("filename not*base64")).toThrow(expect.objectContaining({ status: 400 }));
  });

  test("refuses base64 of bytes that are not UTF-8", () => {
    expect(() => parseMetadata("filename //79")).toThrow(expect.objectContaining({ status: 400 }));
  });

  test("refuses a key given twice", () => {
    expect(() => parseMetadata("a YQ==,a Yg==")).toThrow(expect.objectContaining({ status: 400 }));
  });

  test("refuses two spaces between key and value", () => {
    expect(() => parseMetadata("a  YQ==")).toThrow(expect.objectContaining({ status: 400 }));
  });

  test("refuses an empty key", () => {
    expect(() => parseMetadata("a YQ==,,b Yg==")).toThrow(expect.objectContaining({ status: 400 }));
  });

  test("refuses a key with a non-ASCII character", () => {
    expect(() => parseMetadata("nâme YQ==")).toThrow(expect.objectContaining({ status: 400 }));
  });

  test("keeps a __proto__ key as a plain key, not the record's prototype", () => {
    const metadata = parseMetadata("__proto__ YQ==");
    expect(Object.getOwnPropertyDescriptor(metadata, "__proto__")?.value).toBe("a");
    expect(Object.getPrototypeOf(metadata)).toBe(Object.prototype);
  });
});

describe("serializeMetadata", () => {
  test("writes values as base64 and empty values as the bare key", () => {
    expect(serializeMetadata({ filename: "a.txt", flag: "" })).toBe("filename YS50eHQ=,flag");
  });

  test("round-trips through parseMetadata", () => {
    const metadata = { filename: "résumé, final.pdf", filetype: "application/pdf", empty: "" };
    expect(parseMetadata(serializeMetadata(metadata))).toEqual(metadata);
  });

  test("refuses a key that would break the header's framing", () => {
    expect(() => serializeMetadata({ "a b": "x" })).toThrow(TypeError);
    expect(() => serializeMetadata({ "a,b": "x" })).toThrow(TypeError);
  });
});
