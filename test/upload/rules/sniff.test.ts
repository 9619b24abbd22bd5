import { describe, expect, test } from "bun:test";
import { sniffType } from "../../../src/upload/rules/sniff";

/** Bytes from numbers and Latin-1 strings, in order. */
function bytes(...parts: (number[] | string)[]): Uint8Array {
  const out: number[] = [];
  for (const part of parts) {
    if (typeof part === "string") for (const char of part) out.push(char.charCodeAt(0));
    else out.push(...part);
  }
  return new Uint8Array(out);
}

function zeros(count: number): number[] {
  return new Array(count).fill(0);
}

/** An ftyp box holding a major brand and compatible brands. */
function ftyp(major: string, ...compatible: string[]): Uint8Array {
  const size = 16 + 4 * compatible.length;
  return bytes([0, 0, 0, size], "ftyp", major, [0, 0, 0, 0], compatible.join(""));
}

describe("images", () => {
  test("recognises a PNG by its eight-byte signature", () => {
    expect(sniffType(bytes([0x89], "PNG", [0x0d, 0x0a, 0x1a, 0x0a], zeros(8)))).toBe("image/png");
  });

  test("does not call a PNG signature with a broken line-ending check a PNG", () => {
    expect(sniffType(bytes([0x89], "PNG", [0x0a, 0x0a, 0x1a, 0x0a]))).toBeUndefined();
  });

  test("recognises a JPEG by FF D8 FF", () => {
    expect(sniffType(bytes([0xff, 0xd8, 0xff, 0xe0]))).toBe("image/jpeg");
  });

  test("recognises both GIF versions", () => {
    expect(sniffType(bytes("GIF87a", zeros(4)))).toBe("image/gif");
    expect(sniffType(bytes("GIF89a", zeros(4)))).toBe("image/gif");
  });

  test("does not take GIF88a for a GIF", () => {
    expect(sniffType(bytes("GIF88a", zeros(4)))).toBeUndefined();
  });

  test("recognises WebP as a RIFF with form type WEBP", () => {
    expect(sniffType(bytes("RIFF", [0x24, 0, 0, 0], "WEBPVP8 "))).toBe("image/webp");
  });

  test("recognises a BMP by BM and a known DIB header size", () => {
    expect(sniffType(bytes("BM", zeros(12), [40, 0, 0, 0]))).toBe("image/bmp");
  });

  test("does not take text that starts with BM for a bitmap", () => {
    expect(sniffType(bytes("BMW owners club newsletter"))).toBeUndefined();
  });

  test("recognises an ICO by its directory header and first entry", () => {
    expect(sniffType(bytes([0, 0, 1, 0, 1, 0, 16, 16, 0, 0]))).toBe("image/x-icon");
  });

  test("does not take an icon directory with no images for an ICO", () => {
    expect(sniffType(bytes([0, 0, 1, 0, 0, 0, 16, 16, 0, 0]))).toBeUndefined();
  });

  test("recognises AVIF from its ftyp brand", () => {
    expect(sniffType(ftyp("avif", "mif1", "miaf"))).toBe("image/avif");
  });

  test("recognises AVIF from a compatible brand when the major brand is generic", () => {
    expect(sniffType(ftyp("mif1", "mif1", "avif"))).toBe("image/avif");
  });

  test("recognises HEIC from its ftyp brand", () => {
    expect(sniffType(ftyp("heic", "mif1", "heic"))).toBe("image/heic");
  });

  test("recognises SVG after an XML declaration", () => {
    expect(sniffType(bytes('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBe(
      "image/svg+xml",
    );
  });

  test("recognises SVG with leading whitespace, a byte order mark and upper case", () => {
    expect(sniffType(bytes([0xef, 0xbb, 0xbf], "\n  <SVG viewBox='0 0 1 1'></SVG>"))).toBe("image/svg+xml");
  });

  test("recognises SVG after a doctype and a generator comment", () => {
    const svg =
      '<?xml version="1.0"?>\n<!-- Generator: Adobe Illustrator -->\n' +
      '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n' +
      "<svg version=\"1.1\"></svg>";
    expect(sniffType(bytes(svg))).toBe("image/svg+xml");
  });

  test("recognises SVG that opens with a comment", () => {
    expect(sniffType(bytes("<!-- icon --><svg></svg>"))).toBe("image/svg+xml");
  });

  test("does not call XML without an svg element SVG", () => {
    expect(sniffType(bytes('<?xml version="1.0"?><note><to>Tove</to></note>'))).toBeUndefined();
  });
});

describe("documents and archives", () => {
  test("recognises a PDF by %PDF-", () => {
    expect(sniffType(bytes("%PDF-1.7\n"))).toBe("application/pdf");
  });

  test("recognises a zip by its local file header", () => {
    expect(sniffType(bytes("PK", [3, 4], zeros(26)))).toBe("application/zip");
  });

  test("recognises an empty zip archive", () => {
    expect(sniffType(bytes("PK", [5, 6], zeros(18)))).toBe("application/zip");
  });

  test("does not take PK alone for a zip", () => {
    expect(sniffType(bytes("PK"))).toBeUndefined();
  });

  test("does not take a line of text starting with PK for a zip", () => {
    expect(sniffType(bytes("PK fire at dawn"))).toBeUndefined();
  });

  test("recognises gzip by its magic and deflate method", () => {
    expect(sniffType(bytes([0x1f, 0x8b, 0x08, 0]))).toBe("application/gzip");
  });
});

describe("audio and video", () => {
  test("maps the mp4 brands isom, mp41, mp42 and avc1 to video/mp4", () => {
    expect(sniffType(ftyp("isom", "isom", "avc1"))).toBe("video/mp4");
    expect(sniffType(ftyp("mp41"))).toBe("video/mp4");
    expect(sniffType(ftyp("mp42"))).toBe("video/mp4");
    expect(sniffType(ftyp("avc1"))).toBe("video/mp4");
  });

  test("maps the qt brand to video/quicktime", () => {
    expect(sniffType(ftyp("qt  ", "qt  "))).toBe("video/quicktime");
  });

  test("does not guess for an ftyp box whose brands it does not know", () => {
    expect(sniffType(ftyp("XYZ1", "XYZ2"))).toBeUndefined();
  });

  test("recognises WebM and Matroska by the EBML header", () => {
    expect(sniffType(bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f]))).toBe("video/webm");
  });

  test("recognises Ogg by OggS", () => {
    expect(sniffType(bytes("OggS", [0, 2]))).toBe("application/ogg");
  });

  test("recognises MP3 by an ID3 tag", () => {
    expect(sniffType(bytes("ID3", [4, 0, 0]))).toBe("audio/mpeg");
  });

  test("recognises MP3 by a frame header without a tag", () => {
    // MPEG-1 Layer III, 128 kbit/s, 44.1 kHz.
    expect(sniffType(bytes([0xff, 0xfb, 0x90, 0x64]))).toBe("audio/mpeg");
  });

  test("does not take an AAC ADTS header for MP3", () => {
    expect(sniffType(bytes([0xff, 0xf1, 0x50, 0x80]))).toBeUndefined();
  });

  test("does not take a frame header with the reserved sample rate for MP3", () => {
    expect(sniffType(bytes([0xff, 0xfb, 0x9c, 0x64]))).toBeUndefined();
  });

  test("does not take UTF-16 text after its byte order mark for MP3", () => {
    expect(sniffType(bytes([0xff, 0xfe], "a\0b\0"))).toBeUndefined();
  });

  test("recognises WAV as a RIFF with form type WAVE", () => {
    expect(sniffType(bytes("RIFF", [0x24, 0, 0, 0], "WAVEfmt "))).toBe("audio/wav");
  });

  test("does not take a RIFF of another form type for WAV or WebP", () => {
    expect(sniffType(bytes("RIFF", [0x24, 0, 0, 0], "AVI LIST"))).toBeUndefined();
  });

  test("does not take RIFF alone for anything", () => {
    expect(sniffType(bytes("RIFF"))).toBeUndefined();
  });
});

describe("executables", () => {
  test("recognises an ELF binary", () => {
    expect(sniffType(bytes([0x7f], "ELF", [2, 1, 1, 0]))).toBe("application/x-executable");
  });

  test("recognises a Windows executable by its MS-DOS header", () => {
    expect(sniffType(bytes("MZ", [0x90, 0], zeros(60)))).toBe("application/x-msdownload");
  });

  test("does not take a short text that starts with MZ for an executable", () => {
    expect(sniffType(bytes("MZ is a postcode prefix"))).toBeUndefined();
  });
});

describe("markup", () => {
  test("recognises HTML by its doctype, whatever the case", () => {
    expect(sniffType(bytes("<!DOCTYPE html><title>x</title>"))).toBe("text/html");
    expect(sniffType(bytes("<!doctype HTML>"))).toBe("text/html");
  });

  test("recognises HTML by a leading html element after whitespace", () => {
    expect(sniffType(bytes("\r\n\t <Html lang=en>"))).toBe("text/html");
  });

  test("recognises HTML that opens with a script element", () => {
    expect(sniffType(bytes("<script>alert(1)</script>"))).toBe("text/html");
  });

  test("recognises XHTML after an XML declaration", () => {
    expect(sniffType(bytes('<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml">'))).toBe(
      "text/html",
    );
  });

  test("does not take an svg element further down an HTML page for SVG", () => {
    expect(sniffType(bytes("<html><body><svg></svg></body></html>"))).toBe("text/html");
  });

  test("does not take a tag-like word for HTML", () => {
    expect(sniffType(bytes("<htmlish>"))).toBeUndefined();
  });
});

describe("unknown input", () => {
  test("answers undefined for plain text", () => {
    expect(sniffType(bytes("hello, world\n"))).toBeUndefined();
  });

  test("answers undefined for an empty head", () => {
    expect(sniffType(new Uint8Array(0))).toBeUndefined();
  });

  test("reads a megabyte head without overflowing the stack", () => {
    const head = new Uint8Array(1 << 20).fill(0x20);
    head.set(bytes("<svg>"), 0);
    expect(sniffType(head)).toBe("image/svg+xml");
  });

  test("does not guess when markup's first element lies beyond the first 8 KB", () => {
    const head = new Uint8Array(16 * 1024).fill(0x20);
    head.set(bytes("<svg>"), head.length - 5);
    expect(sniffType(head)).toBeUndefined();
  });
});
