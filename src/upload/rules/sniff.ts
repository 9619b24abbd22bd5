// Content sniffing: what a file's first bytes say it is, whatever its name
// and declared type claim. Pure (no node:, no Bun, no DOM) so that any side
// may use it. Unknown bytes give undefined: a sniffer that guesses would
// refuse honest files, so every signature here is one that the format's
// specification fixes at a known offset.

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff];
const ICO = [0x00, 0x00, 0x01, 0x00];
const ZIP_LOCAL_FILE = [0x50, 0x4b, 0x03, 0x04]; // "PK\3\4"
const ZIP_EMPTY_ARCHIVE = [0x50, 0x4b, 0x05, 0x06]; // end of central directory first
const GZIP = [0x1f, 0x8b, 0x08]; // magic, then compression method 8 (deflate)
const EBML = [0x1a, 0x45, 0xdf, 0xa3];
const ELF = [0x7f, 0x45, 0x4c, 0x46]; // "\x7fELF"

// ISO base media "ftyp" brands (ISO/IEC 14496-12 §4.3), major or compatible.
const FTYP_BRANDS: Record<string, string> = {
  isom: "video/mp4",
  iso2: "video/mp4",
  mp41: "video/mp4",
  mp42: "video/mp4",
  avc1: "video/mp4",
  "qt  ": "video/quicktime",
  avif: "image/avif",
  avis: "image/avif",
  heic: "image/heic",
  heix: "image/heic",
  hevc: "image/heic",
  hevx: "image/heic",
};

// BITMAPINFOHEADER and its variants all start with their own size (14 bytes
// after "BM"); two letters alone would match plain text.
const BMP_DIB_HEADER_SIZES = new Set([12, 40, 52, 56, 64, 108, 124]);

// An MS-DOS header is 64 bytes; shorter than that, "MZ" is just two letters.
const DOS_HEADER_SIZE = 64;

/**
 * The MIME type the bytes of a file's head prove, or undefined.
 * Pass the first few kilobytes when there are that many (markup needs room
 * to reach its first element; no more than 8 KB is read). Containers answer
 * for their container: a .docx is application/zip.
 */
/** How many leading bytes sniffType reads: a file's head is kept this long for it. */
export const SNIFF_BYTES = 4100;

export function sniffType(head: Uint8Array): string | undefined {
  if (startsWith(head, PNG)) return "image/png";
  if (startsWith(head, JPEG)) return "image/jpeg";
  if (ascii(head, 0, 6) === "GIF87a" || ascii(head, 0, 6) === "GIF89a") return "image/gif";
  if (ascii(head, 0, 4) === "RIFF") return riffForm(ascii(head, 8, 4));
  if (isBmp(head)) return "image/bmp";
  if (isIco(head)) return "image/x-icon";
  if (ascii(head, 0, 5) === "%PDF-") return "application/pdf";
  if (startsWith(head, ZIP_LOCAL_FILE) || startsWith(head, ZIP_EMPTY_ARCHIVE)) return "application/zip";
  if (startsWith(head, GZIP)) return "application/gzip";
  if (ascii(head, 4, 4) === "ftyp") return ftypBrand(head);
  if (startsWith(head, EBML)) return "video/webm";
  if (ascii(head, 0, 4) === "OggS") return "application/ogg";
  if (ascii(head, 0, 3) === "ID3" || isMpegAudioFrame(head)) return "audio/mpeg";
  if (startsWith(head, ELF)) return "application/x-executable";
  if (ascii(head, 0, 2) === "MZ" && head.length >= DOS_HEADER_SIZE) return "application/x-msdownload";
  return sniffMarkup(head);
}

/**
 * The declared types a sniffed container type may stand for: the magic bytes
 * name the container, not the format inside it (a .docx is a zip, an .ogv
 * and an .oga are both Ogg).
 */
export function sniffedAliases(sniffed: string): readonly string[] {
  return ALIASES[sniffed] ?? [];
}

const ALIASES: Record<string, readonly string[]> = {
  "application/zip": [
    "application/x-zip-compressed",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
    "application/epub+zip",
    "application/java-archive",
  ],
  "application/gzip": ["application/x-gzip"],
  "application/ogg": ["audio/ogg", "video/ogg", "audio/opus"],
  "video/webm": ["audio/webm", "video/x-matroska", "audio/x-matroska"],
  "video/mp4": ["audio/mp4", "video/x-m4v"],
  "audio/mpeg": ["audio/mp3"],
  "audio/wav": ["audio/x-wav", "audio/wave", "audio/vnd.wave"],
  "image/x-icon": ["image/vnd.microsoft.icon"],
  "image/bmp": ["image/x-ms-bmp"],
  "image/heic": ["image/heif"],
};

// ---------------------------------------------------------------- binary

function startsWith(head: Uint8Array, signature: number[]): boolean {
  return head.length >= signature.length && signature.every((byte, i) => head[i] === byte);
}

/** Bytes as Latin-1 text; shorter than asked when the head ends first. */
function ascii(head: Uint8Array, offset: number, length: number): string {
  return String.fromCharCode(...head.subarray(offset, offset + length));
}

function riffForm(form: string): string | undefined {
  if (form === "WEBP") return "image/webp";
  if (form === "WAVE") return "audio/wav";
  return undefined;
}

function isBmp(head: Uint8Array): boolean {
  if (ascii(head, 0, 2) !== "BM" || head.length < 18) return false;
  const dibHeaderSize = head[14]! | (head[15]! << 8) | (head[16]! << 16) | (head[17]! << 24);
  return BMP_DIB_HEADER_SIZES.has(dibHeaderSize);
}

// ICONDIR: reserved 0, type 1 (icon), a non-zero image count; then the first
// entry, whose fourth byte is reserved and must be 0.
function isIco(head: Uint8Array): boolean {
  if (!startsWith(head, ICO) || head.length < 10) return false;
  const count = head[4]! | (head[5]! << 8);
  return count > 0 && head[9] === 0;
}

// The major brand decides when we know it; otherwise the first compatible
// brand we know (an AVIF often declares major brand "mif1", compatible "avif").
// Layout: size (4), "ftyp" (4), major brand (4), minor version (4), brands.
function ftypBrand(head: Uint8Array): string | undefined {
  const major = FTYP_BRANDS[ascii(head, 8, 4)];
  if (major) return major;
  const boxSize = ((head[0]! << 24) | (head[1]! << 16) | (head[2]! << 8) | head[3]!) >>> 0;
  const end = Math.min(boxSize, head.length);
  for (let offset = 16; offset + 4 <= end; offset += 4) {
    const compatible = FTYP_BRANDS[ascii(head, offset, 4)];
    if (compatible) return compatible;
  }
  return undefined;
}

// An MPEG audio frame header (ISO/IEC 11172-3 §2.4.2.3): 11 sync bits, then
// version, layer, bitrate, sample rate and emphasis fields that must not hold
// their reserved values. AAC's ADTS header has layer 00 and so does not match.
// FF FE is the UTF-16 little-endian byte order mark: text, not a frame.
function isMpegAudioFrame(head: Uint8Array): boolean {
  if (head.length < 4 || head[0] !== 0xff || (head[1]! & 0xe0) !== 0xe0 || head[1] === 0xfe) return false;
  const version = (head[1]! >> 3) & 0b11;
  const layer = (head[1]! >> 1) & 0b11;
  const bitrate = head[2]! >> 4;
  const sampleRate = (head[2]! >> 2) & 0b11;
  const emphasis = head[3]! & 0b11;
  return version !== 0b01 && layer !== 0b00 && bitrate !== 0b1111 && sampleRate !== 0b11 && emphasis !== 0b10;
}

// ---------------------------------------------------------------- markup

const UTF8_BOM = [0xef, 0xbb, 0xbf];
const LESS_THAN = 0x3c;
// The WHATWG whitespace bytes: tab, line feed, form feed, carriage return, space.
const WHITESPACE = new Set([0x09, 0x0a, 0x0c, 0x0d, 0x20]);

// How far markup is read for its first element: room for an XML declaration,
// a generator comment and an SVG doctype with its entities.
const MARKUP_SCAN_BYTES = 8192;

// The WHATWG MIME Sniffing "HTML patterns" (§7.1): one of these names, case
// insensitive, followed by a tag-terminating byte (space or ">").
const HTML_START = /^<(!doctype html|html|head|script|iframe|h1|div|font|table|a|style|title|b|body|br|p|!--)[ >]/;

// What may precede an SVG root: whitespace, an XML declaration or processing
// instruction, comments.
const PROLOG_ITEM = /^(\s+|<\?[^]*?\?>|<!--[^]*?-->)/;

function sniffMarkup(head: Uint8Array): string | undefined {
  const end = Math.min(head.length, MARKUP_SCAN_BYTES);
  let start = startsWith(head, UTF8_BOM) ? UTF8_BOM.length : 0;
  while (start < end && WHITESPACE.has(head[start]!)) start += 1;
  // Markup opens with "<": anything else stays undecided without decoding it.
  if (start === end || head[start] !== LESS_THAN) return undefined;
  const text = ascii(head, start, end - start).toLowerCase();
  if (HTML_START.test(text)) {
    // A leading comment is an HTML pattern, but an SVG may begin with one too.
    return text.startsWith("<!--") && isSvgRoot(skipProlog(text)) ? "image/svg+xml" : "text/html";
  }
  const rest = skipProlog(text);
  if (isSvgRoot(rest)) return "image/svg+xml";
  // <!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" ...>, then the root.
  if (rest.startsWith("<!doctype svg") && text.includes("<svg")) return "image/svg+xml";
  // XHTML: an XML declaration, then an HTML root.
  if (HTML_START.test(rest)) return "text/html";
  return undefined;
}

function skipProlog(text: string): string {
  for (let match = PROLOG_ITEM.exec(text); match; match = PROLOG_ITEM.exec(text)) {
    text = text.slice(match[0].length);
  }
  return text;
}

function isSvgRoot(text: string): boolean {
  return /^<svg[\s>/]/.test(text);
}
