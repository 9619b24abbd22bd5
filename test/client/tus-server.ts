// A tus 1.0 server for the client tests: it answers the script's requests to
// /_tus through FakeXhr, keeps the bytes, checks offsets and checksums (when sent), and
// lets a test put its own reply (a failure, a held request) in place of one.

import { createHash } from "node:crypto";
import { FakeXhr } from "./dom";

export interface FakeTusUpload {
  length: number;
  metadata: Record<string, string>;
  bytes: Uint8Array;
}

/** A reply a test puts in place of the server's: a status, "hold" (no answer yet) or "drop" (a network error). */
export type TusReply = { status: number; headers?: Record<string, string>; text?: string } | "hold" | "drop";

/** Answers the script's tus requests (those to /_tus) as a tus 1.0 server with checksums would, a tick later. */
export class FakeTusServer {
  uploads = new Map<string, FakeTusUpload>();
  requests: FakeXhr[] = [];
  held: FakeXhr[] = [];
  /** Return a reply to answer a request otherwise, or nothing for the normal answer. */
  override: (request: FakeXhr) => TusReply | undefined = () => undefined;
  #created = 0;

  constructor() {
    FakeXhr.onSend = (request) => {
      if (!request.url.includes("/_tus")) return;
      this.requests.push(request);
      setTimeout(async () => {
        // The script sends chunks as slices of the file; read them as a server would.
        if (request.body instanceof Blob) request.sentBytes = new Uint8Array(await request.body.arrayBuffer());
        const reply = this.override(request);
        if (reply === "hold") this.held.push(request);
        else this.answer(request, reply);
      }, 0);
    };
  }

  sent(method: string): FakeXhr[] {
    return this.requests.filter((request) => request.method === method);
  }

  /** An upload made earlier (before a reload), holding the first `offset` bytes of `file`. */
  async create(file: File, offset: number, metadata: Record<string, string> = {}): Promise<string> {
    const id = `u${++this.#created}`;
    const bytes = new Uint8Array(await file.slice(0, offset).arrayBuffer());
    this.uploads.set(id, { length: file.size, metadata, bytes });
    return `/_tus/${id}`;
  }

  /** Answers the held requests normally. */
  release(): void {
    for (const request of this.held.splice(0)) this.answer(request);
  }

  answer(request: FakeXhr, reply: Exclude<TusReply, "hold"> = this.reply(request)): void {
    if (request.aborted) return;
    if (reply === "drop") request.failConnection();
    else request.respond(reply.status, reply.text ?? "", { "Tus-Resumable": "1.0.0", ...reply.headers });
  }

  /** The normal answer, with its effect on the uploads. */
  reply(request: FakeXhr): Exclude<TusReply, "hold" | "drop"> {
    if (request.method === "POST") {
      const id = `u${++this.#created}`;
      const length = Number(request.headers["Upload-Length"]);
      this.uploads.set(id, { length, metadata: decodeMetadata(request.headers["Upload-Metadata"]!), bytes: new Uint8Array(0) });
      return { status: 201, headers: { Location: `/_tus/${id}` } };
    }
    const id = new URL(request.url, "http://localhost:3000").pathname.split("/").at(-1)!;
    const upload = this.uploads.get(id);
    if (!upload) return { status: 404, text: "Upload not found" };
    if (request.method === "DELETE") {
      this.uploads.delete(id);
      return { status: 204 };
    }
    if (request.method === "PATCH") {
      if (Number(request.headers["Upload-Offset"]) !== upload.bytes.length) return { status: 409, text: "Offset mismatch" };
      const chunk = request.sentBytes!;
      const checksum = request.headers["Upload-Checksum"];
      const [algorithm, sum] = checksum?.split(" ") ?? [];
      if (checksum !== undefined && (algorithm !== "sha256" || createHash("sha256").update(chunk).digest("base64") !== sum)) {
        return { status: 460, text: "Checksum mismatch" };
      }
      const bytes = new Uint8Array(upload.bytes.length + chunk.length);
      bytes.set(upload.bytes);
      bytes.set(chunk, upload.bytes.length);
      upload.bytes = bytes;
      return { status: 204, headers: { "Upload-Offset": `${upload.bytes.length}` } };
    }
    return { status: 200, headers: { "Upload-Offset": `${upload.bytes.length}`, "Upload-Length": `${upload.length}` } };
  }

  /** Whether every upload has all its bytes. */
  complete(): boolean {
    return [...this.uploads.values()].every((upload) => upload.bytes.length === upload.length);
  }

  text(location: string): string {
    return new TextDecoder().decode(this.uploads.get(location.split("/").at(-1)!)!.bytes);
  }
}

/** Upload-Metadata back to its values: "key base64,key base64". */
export function decodeMetadata(header: string): Record<string, string> {
  return Object.fromEntries(
    header.split(",").map((pair) => {
      const [key, value = ""] = pair.split(" ");
      return [key, Buffer.from(value, "base64").toString("utf8")];
    }),
  );
}
