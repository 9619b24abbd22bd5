import { describe, expect, test } from "bun:test";
import { InflightUploads, UploadCancelledError } from "../../../src/upload/intake/inflight";

describe("InflightUploads", () => {
  test("cancel aborts the session's running upload with a 409 UploadCancelledError", () => {
    const inflight = new InflightUploads();
    const controller = new AbortController();
    inflight.start("session-a", "photos", controller);
    expect(inflight.cancel("session-a", "photos")).toBe(1);
    expect(controller.signal.aborted).toBe(true);
    const reason = controller.signal.reason as UploadCancelledError;
    expect(reason).toBeInstanceOf(UploadCancelledError);
    expect(reason.name).toBe("UploadCancelledError");
    expect(reason.status).toBe(409);
    expect(reason.message).toBe("The upload was cancelled");
  });

  test("cancel stops every upload of that zone in the session, and only those", () => {
    const inflight = new InflightUploads();
    const first = new AbortController();
    const second = new AbortController();
    const otherZone = new AbortController();
    const otherSession = new AbortController();
    inflight.start("session-a", "photos", first);
    inflight.start("session-a", "photos", second);
    inflight.start("session-a", "videos", otherZone);
    inflight.start("session-b", "photos", otherSession);
    expect(inflight.cancel("session-a", "photos")).toBe(2);
    expect([first, second, otherZone, otherSession].map((controller) => controller.signal.aborted)).toEqual([true, true, false, false]);
  });

  test("cancelling an upload that is not running does nothing and says so", () => {
    const inflight = new InflightUploads();
    expect(inflight.cancel("session-a", "photos")).toBe(0);
    expect(inflight.size).toBe(0);
  });

  test("forgetting every upload leaves nothing behind, after a cancel or not", () => {
    const inflight = new InflightUploads();
    const forgetFirst = inflight.start("session-a", "photos", new AbortController());
    const forgetSecond = inflight.start("session-a", "photos", new AbortController());
    const forgetOther = inflight.start("session-b", "videos", new AbortController());
    expect(inflight.size).toBe(2);
    inflight.cancel("session-a", "photos");
    forgetFirst();
    expect(inflight.size).toBe(2);
    forgetSecond();
    forgetOther();
    expect(inflight.size).toBe(0);
  });

  test("a forgotten upload is no longer cancelled, while the zone's other uploads still are", () => {
    const inflight = new InflightUploads();
    const done = new AbortController();
    const running = new AbortController();
    const forgetDone = inflight.start("session-a", "photos", done);
    inflight.start("session-a", "photos", running);
    forgetDone();
    expect(inflight.cancel("session-a", "photos")).toBe(1);
    expect(done.signal.aborted).toBe(false);
    expect(running.signal.aborted).toBe(true);
  });

  test("forgetting twice, or after the zone started again, does not drop the new upload", () => {
    const inflight = new InflightUploads();
    const forgetOld = inflight.start("session-a", "photos", new AbortController());
    forgetOld();
    const fresh = new AbortController();
    inflight.start("session-a", "photos", fresh);
    forgetOld();
    expect(inflight.size).toBe(1);
    expect(inflight.cancel("session-a", "photos")).toBe(1);
    expect(fresh.signal.aborted).toBe(true);
  });

  test("a session id and an upload id cannot be combined to name another session's upload", () => {
    const inflight = new InflightUploads();
    const controller = new AbortController();
    inflight.start("a", "b-c", controller);
    expect(inflight.cancel("a-b", "c")).toBe(0);
    expect(controller.signal.aborted).toBe(false);
  });
});
