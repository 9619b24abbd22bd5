import { afterAll, afterEach, beforeAll, expect, test } from "bun:test";
import {
  $,
  fileOf,
  listedNames,
  message,
  pick,
  registerDom,
  settle,
  startPage,
  submitUpload,
  unregisterDom,
  until,
  type Page,
  type ZoneOptions,
} from "./dom";
import { FakeTusServer } from "./tus-server";

beforeAll(registerDom);
afterAll(unregisterDom);

let page: Page;
let server: FakeTusServer;
const start = (options: ZoneOptions = {}) => {
  page = startPage({ resumableAbove: 1, chunkSize: 4, ...options });
  server = new FakeTusServer();
};

// The client's pauses between tries, recorded and cut short (or never ended, with `hold`).
// Only the tus client's own: the whole suite shares one process, and timers
// other tests left running (a Redis client's reconnect) fire meanwhile.
const setTimeoutOfDom = globalThis.setTimeout;
let pauses: number[] = [];
function recordPauses({ hold = false } = {}): void {
  pauses = [];
  globalThis.setTimeout = ((run: () => void, ms = 0) => {
    if (ms < 100 || !new Error().stack?.includes("/client/tus/")) return setTimeoutOfDom(run, ms);
    pauses.push(ms);
    return setTimeoutOfDom(run, hold ? 3_600_000 : 0);
  }) as typeof setTimeout;
}

afterEach(async () => {
  globalThis.setTimeout = setTimeoutOfDom;
  document.dispatchEvent(new CustomEvent("hs:actions", { detail: [{ type: "cancelUpload", id: "upload1" }] }));
  for (let tick = 0; tick < 5; tick++) await settle();
  page.stop();
  localStorage.clear();
});

const textFile = (name: string, text: string) => new File([text], name, { type: "text/plain", lastModified: 1_700_000_000_000 });
/** What the client asked, in order, after the creation: "PATCH 0", "HEAD", ... */
const dialogue = () =>
  server.requests
    .filter((request) => request.method !== "POST")
    .map((request) => (request.method === "PATCH" ? `PATCH ${request.headers["Upload-Offset"]}` : request.method));
const done = () => server.uploads.size > 0 && server.complete() && !$("#upload1").hasAttribute("aria-busy");

test("after a network error it asks the server's offset and goes on from there, not from zero", async () => {
  start();
  recordPauses();
  let dropped = false;
  server.override = (request) => {
    if (dropped || request.method !== "PATCH" || request.headers["Upload-Offset"] !== "4") return undefined;
    dropped = true;
    server.reply(request); // the server got the chunk; its answer is lost
    return "drop";
  };
  pick([textFile("a.txt", "0123456789ab")]);
  submitUpload();
  await until(done, "the upload");

  expect(dialogue()).toEqual(["PATCH 0", "PATCH 4", "HEAD", "PATCH 8"]);
  expect(server.text("/_tus/u1")).toBe("0123456789ab");
  expect(pauses.length).toBe(1);
  expect(server.requests.every((request) => request.timeout === 60_000)).toBe(true);
  expect(message()).toBe("");
});

const MiB = 1024 ** 2;
/** The bytes of each PATCH, in MiB, as "offset+size". */
const patchSizes = () => server.sent("PATCH").map((patch) => `${Number(patch.headers["Upload-Offset"]) / MiB}+${patch.sentBytes!.length / MiB}`);

test("a file sent whole whose PATCH broke off goes on from the server's offset in 8 MiB chunks", async () => {
  // Unset chunkSize: the whole file in one PATCH, until it breaks off.
  start({ chunkSize: undefined, maxSize: 64 * MiB });
  recordPauses();
  server.override = (request) => {
    if (request.method !== "PATCH" || request.headers["Upload-Offset"] !== "0" || request.sentBytes!.length !== 20 * MiB) return undefined;
    // The server kept the first 2 MiB before the connection broke.
    server.uploads.get("u1")!.bytes = request.sentBytes!.slice(0, 2 * MiB);
    return "drop";
  };
  pick([fileOf("big.bin", 20 * MiB)]);
  submitUpload();
  await until(done, "the upload");

  expect(dialogue()).toEqual(["PATCH 0", "HEAD", "PATCH 2097152", "PATCH 10485760", "PATCH 18874368"]);
  expect(patchSizes()).toEqual(["0+20", "2+8", "10+8", "18+2"]);
  expect(server.text("/_tus/u1")).toBe("x".repeat(20 * MiB));
});

test("a PATCH refused as too large by something on the way (413) goes again in 8 MiB chunks", async () => {
  start({ chunkSize: undefined, maxSize: 64 * MiB });
  // A proxy in front that takes bodies up to 10 MiB.
  server.override = (request) => (request.method === "PATCH" && request.sentBytes!.length > 10 * MiB ? { status: 413, text: "Request Entity Too Large" } : undefined);
  pick([fileOf("big.bin", 12 * MiB)]);
  submitUpload();
  await until(done, "the upload");

  expect(dialogue()).toEqual(["PATCH 0", "HEAD", "PATCH 0", "PATCH 8388608"]);
  expect(patchSizes()).toEqual(["0+12", "0+8", "8+4"]);
  expect(message()).toBe("");
});

test("a checksum mismatch (460) sends the same chunk again", async () => {
  start({ checksum: true });
  recordPauses();
  let refused = false;
  server.override = (request) => {
    if (refused || request.method !== "PATCH") return undefined;
    refused = true;
    return { status: 460, text: "Checksum mismatch" };
  };
  pick([textFile("a.txt", "01234567")]);
  submitUpload();
  await until(done, "the upload");

  expect(dialogue()).toEqual(["PATCH 0", "HEAD", "PATCH 0", "PATCH 4"]);
  const [first, again] = server.sent("PATCH");
  expect(new TextDecoder().decode(again!.sentBytes!)).toBe(new TextDecoder().decode(first!.sentBytes!));
  expect(server.text("/_tus/u1")).toBe("01234567");
});

test("an offset conflict (409) asks the server's offset by HEAD and goes on from it", async () => {
  start();
  recordPauses();
  let conflicted = false;
  server.override = (request) => {
    if (conflicted || request.method !== "PATCH" || request.headers["Upload-Offset"] !== "4") return undefined;
    conflicted = true;
    server.reply(request); // an earlier try already delivered these bytes
    return { status: 409, text: "Upload-Offset does not match" };
  };
  pick([textFile("a.txt", "0123456789ab")]);
  submitUpload();
  await until(done, "the upload");

  expect(dialogue()).toEqual(["PATCH 0", "PATCH 4", "HEAD", "PATCH 8"]);
  expect(server.text("/_tus/u1")).toBe("0123456789ab");
});

test("the pauses grow from half a second to fifteen, and after eight tries without progress it says the connection was lost", async () => {
  start();
  recordPauses();
  server.override = (request) => (request.method === "PATCH" || request.method === "HEAD" ? "drop" : undefined);
  pick([textFile("a.txt", "01234567")]);
  submitUpload();
  await until(() => !$("#upload1").hasAttribute("aria-busy"), "the end of the tries");

  const planned = [500, 1000, 2000, 4000, 8000, 15_000, 15_000, 15_000];
  expect(pauses.length).toBe(planned.length);
  pauses.forEach((pause, i) => {
    expect(pause).toBeLessThanOrEqual(planned[i]!);
    expect(pause).toBeGreaterThanOrEqual(planned[i]! * 0.8);
  });
  expect(message()).toBe("Upload failed: connection lost");
  expect(listedNames()).toEqual(["a.txt"]);
  // Kept for the next click: the server still has the upload.
  expect(server.sent("DELETE")).toEqual([]);
  expect(localStorage.getItem("hs-tus:upload1:a.txt:8:1700000000000")).toContain("/_tus/u1");
});

test("a 503 is retried like a lost connection", async () => {
  start();
  recordPauses();
  let failures = 0;
  server.override = (request) =>
    request.method === "PATCH" && failures++ < 2 ? { status: 503, text: "Service Unavailable" } : undefined;
  pick([textFile("a.txt", "0123")]);
  submitUpload();
  await until(done, "the upload");

  expect(dialogue()).toEqual(["PATCH 0", "HEAD", "PATCH 0", "HEAD", "PATCH 0"]);
  expect(pauses.length).toBe(2);
});

test("the count of tries starts again whenever the offset moves", async () => {
  start({ chunkSize: 1 });
  recordPauses();
  const failed = new Set<string>();
  server.override = (request) => {
    const offset = request.headers["Upload-Offset"]!;
    if (request.method !== "PATCH" || failed.has(offset)) return undefined;
    failed.add(offset);
    return "drop";
  };
  pick([textFile("a.txt", "0123456789ab")]);
  submitUpload();
  await until(done, "the upload");

  // Twelve failures in all, more than eight, but never two in a row.
  expect(pauses.length).toBe(12);
  expect(pauses.every((pause) => pause <= 500)).toBe(true);
  expect(server.text("/_tus/u1")).toBe("0123456789ab");
});

test("retries at once when the network comes back", async () => {
  start();
  recordPauses({ hold: true });
  let dropped = false;
  server.override = (request) => (request.method === "PATCH" && !dropped ? ((dropped = true), "drop") : undefined);
  pick([textFile("a.txt", "0123")]);
  submitUpload();
  await until(() => pauses.length === 1, "the first pause");
  for (let tick = 0; tick < 5; tick++) await settle();
  expect(dialogue()).toEqual(["PATCH 0"]);

  window.dispatchEvent(new Event("online"));
  await until(done, "the upload");
  expect(dialogue()).toEqual(["PATCH 0", "HEAD", "PATCH 0"]);
});

test("an upload the server no longer knows stops the batch with its status and forgets it", async () => {
  start();
  recordPauses();
  server.override = (request) =>
    request.method === "PATCH" ? "drop" : request.method === "HEAD" ? { status: 410 } : undefined;
  pick([textFile("a.txt", "0123")]);
  submitUpload();
  await until(() => !$("#upload1").hasAttribute("aria-busy"), "the end of the upload");

  expect(message()).toBe("Upload failed: 410");
  expect(dialogue()).toEqual(["PATCH 0", "HEAD", "DELETE"]);
  expect(localStorage.length).toBe(0);
});

test("a creation answered 502 (an instance behind the proxy died) is tried again, and the upload goes on", async () => {
  start();
  recordPauses();
  let failed = 0;
  server.override = (request) => (request.method === "POST" && failed++ < 2 ? { status: 502, text: "Bad Gateway" } : undefined);
  pick([textFile("a.txt", "abcdefghij")]);
  submitUpload();
  await until(done, "the upload to finish after the creation failed twice");
  expect(server.sent("POST").length).toBe(3);
  expect(message()).not.toContain("failed");
});

test("a creation refused with a 4xx is not tried again", async () => {
  start();
  server.override = (request) => (request.method === "POST" ? { status: 415, text: "a.txt: File type must be .png" } : undefined);
  pick([textFile("a.txt", "abcdefghij")]);
  submitUpload();
  await until(() => message().includes("File type must be .png"), "the refusal to show");
  expect(server.sent("POST").length).toBe(1);
});
