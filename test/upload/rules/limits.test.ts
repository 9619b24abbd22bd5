import { describe, expect, test } from "bun:test";
import { REJECTION_CODES, type UploadConfig } from "../../../src/protocol";
import {
  acceptToInputAttribute,
  checkCount,
  checkFiles,
  checkMaxSize,
  checkMinSize,
  checkType,
  describeAccept,
  formatBytes,
  isAccepted,
  isAcceptedStrict,
  limitsFor,
  statusForCode,
  UploadLimitError,
} from "../../../src/upload/rules/limits";

const images = { "image/png": [".png"], "image/jpeg": [".jpg", ".jpeg"] };

function file(name: string, type = "", size = 100) {
  return { name, type, size };
}

function config(limits: Omit<UploadConfig, "id"> = {}): UploadConfig {
  return { id: "photos", ...limits };
}

describe("the accept attribute and its description", () => {
  test("joins MIME keys and extensions with commas, as react-dropzone does", () => {
    expect(acceptToInputAttribute({ "application/pdf": [".pdf"], "image/*": [".png"] })).toBe(
      "application/pdf,.pdf,image/*,.png",
    );
  });

  test("lower-cases extensions and adds the missing leading dot", () => {
    expect(acceptToInputAttribute({ "image/jpeg": ["JPG", ".JPEG"] })).toBe("image/jpeg,.jpg,.jpeg");
  });

  test("gives no attribute when nothing is listed", () => {
    expect(acceptToInputAttribute(undefined)).toBeUndefined();
    expect(acceptToInputAttribute({})).toBeUndefined();
  });

  test("describes the accepted types by their extensions", () => {
    expect(describeAccept({ "application/pdf": [".pdf"], ...images })).toBe(".pdf, .png, .jpg, .jpeg");
  });

  test("describes a key without extensions by the key itself", () => {
    expect(describeAccept({ "image/*": [], "application/pdf": ["pdf"] })).toBe("image/*, .pdf");
  });
});

describe("the browser's accept rule", () => {
  test("accepts image/webp under an image/* wildcard", () => {
    expect(isAccepted(file("a.webp", "image/webp"), { "image/*": [] })).toBe(true);
  });

  test("refuses a PDF under an image/* wildcard", () => {
    expect(isAccepted(file("a.pdf", "application/pdf"), { "image/*": [] })).toBe(false);
  });

  test("matches extensions whatever their case", () => {
    expect(isAccepted(file("PHOTO.JPG", ""), images)).toBe(true);
  });

  test("lets the extension decide when the browser gives an empty type", () => {
    expect(isAccepted(file("scan.heic", ""), { "image/heic": [".heic"] })).toBe(true);
    expect(isAccepted(file("notes.txt", ""), { "image/heic": [".heic"] })).toBe(false);
  });

  test("accepts a file whose type matches even when its extension is not listed", () => {
    expect(isAccepted(file("photo.jfif", "image/jpeg"), images)).toBe(true);
  });

  test("accepts everything when nothing is listed", () => {
    expect(isAccepted(file("run.exe", "application/x-msdownload"), undefined)).toBe(true);
    expect(isAccepted(file("run.exe", "application/x-msdownload"), {})).toBe(true);
  });
});

describe("the server's strict accept rule", () => {
  test("refuses declared image/png when the bytes are an ELF executable", () => {
    const upload = { name: "cat.png", type: "image/png", sniffedType: "application/x-executable" };
    expect(isAcceptedStrict(upload, images)).toBe(false);
  });

  test("refuses declared text/html for a .png name", () => {
    expect(isAcceptedStrict({ name: "cat.png", type: "text/html" }, images)).toBe(false);
  });

  test("refuses a declared type that matches a key whose extensions the name lacks", () => {
    expect(isAcceptedStrict({ name: "cat.html", type: "image/png" }, images)).toBe(false);
  });

  test("accepts a listed extension with a matching type and matching bytes", () => {
    const upload = { name: "cat.PNG", type: "image/png", sniffedType: "image/png" };
    expect(isAcceptedStrict(upload, images)).toBe(true);
  });

  test("lets a listed extension stand when the declared type is empty or octet-stream", () => {
    expect(isAcceptedStrict({ name: "cat.jpg", type: "" }, images)).toBe(true);
    expect(isAcceptedStrict({ name: "cat.jpg", type: "application/octet-stream" }, images)).toBe(true);
  });

  test("refuses an unlisted extension when the declared type says nothing", () => {
    expect(isAcceptedStrict({ name: "cat.gif", type: "" }, images)).toBe(false);
  });

  test("accepts a JPEG named .png: the bytes are still an accepted type", () => {
    const upload = { name: "cat.png", type: "image/png", sniffedType: "image/jpeg" };
    expect(isAcceptedStrict(upload, images)).toBe(true);
  });

  test("accepts any name under a key without extensions when the declared type and bytes match", () => {
    const upload = { name: "clip", type: "image/webp", sniffedType: "image/webp" };
    expect(isAcceptedStrict(upload, { "image/*": [] })).toBe(true);
  });

  test("refuses a key without extensions when the declared type says nothing", () => {
    expect(isAcceptedStrict({ name: "clip.webp", type: "" }, { "image/*": [] })).toBe(false);
  });

  test("accepts a .docx whose bytes sniff as a zip", () => {
    const docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    const upload = { name: "cv.docx", type: docx, sniffedType: "application/zip" };
    expect(isAcceptedStrict(upload, { [docx]: [".docx"] })).toBe(true);
  });

  test("accepts a .zip that Windows declares as application/x-zip-compressed", () => {
    const upload = { name: "a.zip", type: "application/x-zip-compressed", sniffedType: "application/zip" };
    expect(isAcceptedStrict(upload, { "application/zip": [".zip"] })).toBe(true);
  });

  test("ignores parameters on the declared type", () => {
    const upload = { name: "a.txt", type: "Text/Plain; charset=utf-8" };
    expect(isAcceptedStrict(upload, { "text/plain": [".txt"] })).toBe(true);
  });

  test("is what checkType uses when the limits are strict", () => {
    const upload = { name: "cat.png", type: "text/html", size: 10 };
    expect(checkType(upload, { accept: images })).toBeNull();
    expect(checkType(upload, { accept: images, strict: true })?.code).toBe(REJECTION_CODES.invalidType);
  });
});

describe("size checks", () => {
  test("passes a file exactly at maxSize and refuses one byte more", () => {
    expect(checkMaxSize(file("a.png", "", 1024), { maxSize: 1024 })).toBeNull();
    expect(checkMaxSize(file("a.png", "", 1025), { maxSize: 1024 })).toEqual({
      code: REJECTION_CODES.tooLarge,
      message: "File is larger than 1 KB",
    });
  });

  test("passes a file exactly at minSize and refuses one byte less", () => {
    expect(checkMinSize(file("a.png", "", 1024), { minSize: 1024 })).toBeNull();
    expect(checkMinSize(file("a.png", "", 1023), { minSize: 1024 })).toEqual({
      code: REJECTION_CODES.tooSmall,
      message: "File is smaller than 1 KB",
    });
  });

  test("says the limit in the too-large message", () => {
    expect(checkMaxSize(file("a.png", "", 6 * 1024 * 1024), { maxSize: 5 * 1024 * 1024 })?.message).toBe(
      "File is larger than 5 MB",
    );
  });

  test("names the accepted types in the wrong-type message", () => {
    const accept = { "image/png": [".png"], "image/jpeg": [".jpg"] };
    expect(checkType(file("a.gif", "image/gif"), { accept })).toEqual({
      code: REJECTION_CODES.invalidType,
      message: "File type must be .png, .jpg",
    });
  });

  test("applies the server's global cap when it is below the zone's maxSize", () => {
    expect(limitsFor(config({ maxSize: 10_000 }), { globalMaxFileSize: 2048 }).maxSize).toBe(2048);
    expect(limitsFor(config({ maxSize: 1000 }), { globalMaxFileSize: 2048 }).maxSize).toBe(1000);
    expect(limitsFor(config(), { globalMaxFileSize: 2048 }).maxSize).toBe(2048);
  });
});

describe("checkFiles", () => {
  test("returns the very objects it was given", () => {
    const picked = file("a.png", "image/png");
    expect(checkFiles([picked], config({ accept: images })).accepted[0]).toBe(picked);
  });

  test("lists every reason a file is refused", () => {
    const { rejected } = checkFiles([file("a.gif", "image/gif", 10)], config({ accept: images, minSize: 100 }));
    expect(rejected[0]!.errors.map((error) => error.code)).toEqual([
      REJECTION_CODES.invalidType,
      REJECTION_CODES.tooSmall,
    ]);
  });

  test("refuses every file of a pick that would take the selection past maxFiles, counting those already selected (react-dropzone's rule)", () => {
    const files = [file("1.png"), file("2.png"), file("3.png")];
    const { accepted, rejected } = checkFiles(files, config({ maxFiles: 3 }), 2);
    expect(accepted).toEqual([]);
    expect(rejected.map((r) => r.file.name)).toEqual(["1.png", "2.png", "3.png"]);
    expect(rejected[0]!.errors).toEqual([{ code: REJECTION_CODES.tooMany, message: "Too many files: at most 3" }]);
  });

  test("takes a pick that fills the selection exactly to maxFiles", () => {
    const { accepted } = checkFiles([file("1.png")], config({ maxFiles: 3 }), 2);
    expect(accepted.map((f) => f.name)).toEqual(["1.png"]);
  });

  test("refuses every new file when maxFiles is already reached", () => {
    const { accepted, rejected } = checkFiles([file("4.png")], config({ maxFiles: 3 }), 3);
    expect(accepted).toEqual([]);
    expect(rejected[0]!.errors[0]!.code).toBe(REJECTION_CODES.tooMany);
  });

  test("refuses both files when multiple is false and two are given", () => {
    const { accepted, rejected } = checkFiles([file("1.png"), file("2.png")], config({ multiple: false }));
    expect(accepted).toEqual([]);
    expect(rejected.map((r) => r.errors[0]!.message)).toEqual(["Only one file is allowed", "Only one file is allowed"]);
  });

  test("keeps the one good file when multiple is false and the other is refused for its type", () => {
    const files = [file("1.png"), file("2.gif", "image/gif")];
    const { accepted } = checkFiles(files, config({ accept: images, multiple: false }));
    expect(accepted.map((f) => f.name)).toEqual(["1.png"]);
  });

  test("does not count refused files against maxFiles", () => {
    const files = [file("a.gif", "image/gif"), file("1.png"), file("2.png")];
    expect(checkFiles(files, config({ accept: images, maxFiles: 2 })).accepted.length).toBe(2);
  });

  test("treats maxFiles 0 as no limit", () => {
    const files = [file("1.png"), file("2.png"), file("3.png")];
    expect(checkFiles(files, config({ maxFiles: 0 })).accepted.length).toBe(3);
  });

  test("refuses an executable renamed .png on the server with strict checks", () => {
    const upload = { ...file("cat.png", "image/png"), sniffedType: "application/x-msdownload" };
    const { rejected } = checkFiles([upload], config({ accept: images }), 0, { strict: true });
    expect(rejected[0]!.errors[0]!.code).toBe(REJECTION_CODES.invalidType);
  });

  test("refuses a file over the server's global cap with the cap in the message", () => {
    const { rejected } = checkFiles([file("a.png", "", 4096)], config(), 0, { globalMaxFileSize: 2048 });
    expect(rejected[0]!.errors).toEqual([{ code: REJECTION_CODES.tooLarge, message: "File is larger than 2 KB" }]);
  });
});

describe("checkCount", () => {
  test("refuses the file that takes a selection past maxFiles", () => {
    expect(checkCount(3, config({ maxFiles: 3 }))).toBeNull();
    expect(checkCount(4, config({ maxFiles: 3 }))?.code).toBe(REJECTION_CODES.tooMany);
  });

  test("refuses a second file when multiple is false", () => {
    expect(checkCount(2, config({ multiple: false, maxFiles: 5 }))?.message).toBe("Only one file is allowed");
  });
});

describe("formatBytes", () => {
  test("shows small sizes in bytes", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(1023)).toBe("1023 B");
  });

  test("uses powers of 1024 with one decimal where it says something", () => {
    expect(formatBytes(1024)).toBe("1 KB");
    expect(formatBytes(1536)).toBe("1.5 KB");
    expect(formatBytes(5 * 1024 * 1024)).toBe("5 MB");
    expect(formatBytes(2.25 * 1024 ** 3)).toBe("2.3 GB");
  });

  test("drops the decimal from 100 up", () => {
    expect(formatBytes(150.4 * 1024 * 1024)).toBe("150 MB");
  });

  test("moves to the next unit when rounding reaches 1024", () => {
    expect(formatBytes(1024 * 1024 - 1)).toBe("1 MB");
  });

  test("stays in GB past a terabyte", () => {
    expect(formatBytes(2 * 1024 ** 4)).toBe("2048 GB");
  });

  test("refuses a negative or non-finite size", () => {
    expect(() => formatBytes(-1)).toThrow(RangeError);
    expect(() => formatBytes(Number.NaN)).toThrow(RangeError);
    expect(() => formatBytes(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe("UploadLimitError", () => {
  test("maps each code to its HTTP status", () => {
    expect(statusForCode(REJECTION_CODES.tooLarge)).toBe(413);
    expect(statusForCode(REJECTION_CODES.tooMany)).toBe(422);
    expect(statusForCode(REJECTION_CODES.invalidType)).toBe(415);
    expect(statusForCode(REJECTION_CODES.tooSmall)).toBe(422);
  });

  test("carries the status, code and file name, and names the file in its message", () => {
    const tooLarge = { code: REJECTION_CODES.tooLarge, message: "File is larger than 5 MB" };
    const error = new UploadLimitError("cat.png", tooLarge);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("UploadLimitError");
    expect(error.status).toBe(413);
    expect(error.code).toBe(REJECTION_CODES.tooLarge);
    expect(error.fileName).toBe("cat.png");
    expect(error.message).toBe("cat.png: File is larger than 5 MB");
  });
});
