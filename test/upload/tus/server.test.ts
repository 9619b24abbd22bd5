// The tus endpoint behind a real Bun.serve: a dropped connection resumes.

import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Server } from "bun";
import { openRawRequest } from "../raw-http";
import { BASE_PATH, bytes, idOf, tusFixture } from "./tus-client";

let storedSoFar = 0;
const { tus, dispose } = tusFixture({ onProgress: (info) => void (storedSoFar = info.offset) });
let server: Server<undefined>;
let origin: string;

beforeAll(() => {
  server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: (request) => tus.handle(request) });
  origin = `http://127.0.0.1:${server.port}`;
});

afterAll(async () => {
  await server.stop(true);
  dispose();
});

const tusHeaders = { "Tus-Resumable": "1.0.0" };

async function offsetOf(location: string): Promise<number> {
  const response = await fetch(`${origin}${location}`, { method: "HEAD", headers: tusHeaders });
  return Number(response.headers.get("Upload-Offset"));
}

async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  for (let tries = 0; !(await condition()); tries++) {
    if (tries > 200) throw new Error("gave up waiting");
    await Bun.sleep(10);
  }
}

test("a PATCH whose connection drops keeps its bytes, and the client resumes from the offset HEAD reports", async () => {
  const created = await fetch(`${origin}${BASE_PATH}`, { method: "POST", headers: { ...tusHeaders, "Upload-Length": "10" } });
  const location = created.headers.get("Location")!;

  // The raw client only sends POST; the override makes it the PATCH a tus client would send.
  const patch = await openRawRequest(server.port!, location, {
    ...tusHeaders,
    "X-HTTP-Method-Override": "PATCH",
    "Content-Type": "application/offset+octet-stream",
    "Upload-Offset": "0",
    "Content-Length": "10",
  });
  await patch.write(bytes("abcd"));
  await waitFor(async () => storedSoFar === 4);
  patch.destroy();

  // The dropped PATCH may hold the upload a moment longer (423); a tus client retries.
  let resumed: Response;
  await waitFor(async () => {
    const offset = await offsetOf(location);
    resumed = await fetch(`${origin}${location}`, {
      method: "PATCH",
      headers: { ...tusHeaders, "Content-Type": "application/offset+octet-stream", "Upload-Offset": String(offset) },
      body: "abcdefghij".slice(offset),
    });
    return resumed.status === 204;
  });
  expect(resumed!.headers.get("Upload-Offset")).toBe("10");
  expect(await (await tus.store.data.read(idOf(location))).text()).toBe("abcdefghij");
});
