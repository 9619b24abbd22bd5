// A hook's sink in place of the data file: order, disconnects and back-pressure.

import { afterEach, describe, expect, test } from "bun:test";
import { HttpError } from "../../../src/errors";
import type { TusSink, TusUploadInfo } from "../../../src/upload/tus";
import {
  brokenStream,
  bytes,
  countedStream,
  createUpload,
  headOffset,
  idOf,
  patchRequest,
  tusFixture,
  tusRequest,
  type TusFixture,
} from "./tus-client";

let fixture: TusFixture;
afterEach(() => fixture.dispose());

/** A sink that records what it took, as `offset:text`. */
function recordingSink(): TusSink & { taken: string[] } {
  const taken: string[] = [];
  return {
    taken,
    async write(_info: TusUploadInfo, offset: number, chunk: Uint8Array) {
      taken.push(`${offset}:${Buffer.from(chunk).toString()}`);
    },
  };
}

describe("a custom sink", () => {
  test("receives the bytes in order with their offsets, and the data file stays empty", async () => {
    const sink = recordingSink();
    fixture = tusFixture({ sinkFor: () => sink });
    const location = await createUpload(fixture.tus, 9);
    const body = new ReadableStream({
      start(controller) {
        controller.enqueue(bytes("abc"));
        controller.enqueue(bytes("def"));
        controller.close();
      },
    });
    await fixture.tus.handle(patchRequest(location, 0, body));
    const response = await fixture.tus.handle(patchRequest(location, 6, bytes("ghi")));
    expect(response.headers.get("Upload-Offset")).toBe("9");
    expect(sink.taken).toEqual(["0:abc", "3:def", "6:ghi"]);
    expect((await fixture.tus.store.data.read(idOf(location))).size).toBe(0);
  });

  test("counts what it took before the client disconnected", async () => {
    const sink = recordingSink();
    fixture = tusFixture({ sinkFor: () => sink });
    const location = await createUpload(fixture.tus, 9);
    await fixture.tus.handle(patchRequest(location, 0, brokenStream([bytes("abcd")])));
    expect(await headOffset(fixture.tus, location)).toBe(4);
    expect(sink.taken).toEqual(["0:abcd"]);
  });

  test("a sink that refuses answers with its status and keeps the bytes it took before", async () => {
    let writes = 0;
    fixture = tusFixture({
      sinkFor: () => ({
        async write() {
          if (++writes === 2) throw new HttpError(422, "The handler stopped reading this file");
        },
      }),
    });
    const location = await createUpload(fixture.tus, 9);
    const body = new ReadableStream({
      start(controller) {
        controller.enqueue(bytes("abc"));
        controller.enqueue(bytes("def"));
        controller.close();
      },
    });
    const response = await fixture.tus.handle(patchRequest(location, 0, body));
    expect(response.status).toBe(422);
    expect(await headOffset(fixture.tus, location)).toBe(3);
  });

  test("a sink that never takes the bytes does not hold up a DELETE", async () => {
    fixture = tusFixture({ sinkFor: () => ({ write: () => new Promise<void>(() => {}) }) });
    const location = await createUpload(fixture.tus, 9);
    const patch = fixture.tus.handle(patchRequest(location, 0, bytes("abc")));
    await Bun.sleep(20);
    expect((await fixture.tus.handle(tusRequest("DELETE", location))).status).toBe(204);
    expect((await patch).status).toBe(410);
  });

  test("a slow sink slows the PATCH: the body is not read ahead of it", async () => {
    const releases: (() => void)[] = [];
    fixture = tusFixture({
      sinkFor: () => ({ write: () => new Promise<void>((resolve) => releases.push(resolve)) }),
    });
    const chunks = Array.from({ length: 50 }, () => new Uint8Array(1024));
    const location = await createUpload(fixture.tus, 50 * 1024);
    const { stream, pulls } = countedStream(chunks);
    const patch = fixture.tus.handle(patchRequest(location, 0, stream));

    await Bun.sleep(30);
    expect(releases.length).toBe(1);
    // One chunk in the sink, at most a couple of reads queued behind it: not the 50 the client has.
    expect(pulls()).toBeLessThanOrEqual(3);

    for (let i = 0; i < 50; i++) {
      while (releases.length <= i) await Bun.sleep(1);
      releases[i]!();
    }
    expect((await patch).status).toBe(204);
    expect(pulls()).toBe(50);
  });
});
