import { describe, expect, test } from "bun:test";
import type { UploadProgress } from "../../../src/protocol";
import { progressReporter } from "../../../src/upload/intake/progress";

/** A report function that records its calls and how many ran at once; each call ends when the test says. */
function recordingReport() {
  const calls: UploadProgress[] = [];
  const finishers: (() => void)[] = [];
  let running = 0;
  let mostAtOnce = 0;
  const report = (progress: UploadProgress) => {
    calls.push(progress);
    running += 1;
    mostAtOnce = Math.max(mostAtOnce, running);
    return new Promise<void>((resolve) =>
      finishers.push(() => {
        running -= 1;
        resolve();
      }),
    );
  };
  return { calls, report, finishAll: () => finishers.splice(0).forEach((finish) => finish()), mostAtOnce: () => mostAtOnce };
}

const instant = (calls: UploadProgress[]) => async (progress: UploadProgress) => void calls.push(progress);

describe("progressReporter", () => {
  test("reports the first count at once, with loaded, total and the fraction done", () => {
    const calls: UploadProgress[] = [];
    progressReporter(1000, 100, instant(calls)).stored(250);
    expect(calls).toEqual([{ loaded: 250, total: 1000, progress: 0.25 }]);
  });

  test("drops counts that come within intervalMs of the last report", async () => {
    const calls: UploadProgress[] = [];
    const reporter = progressReporter(1000, 60, instant(calls));
    reporter.stored(100);
    await Bun.sleep(0);
    reporter.stored(200);
    reporter.stored(300);
    expect(calls.map((call) => call.loaded)).toEqual([100]);
    await Bun.sleep(80);
    reporter.stored(400);
    expect(calls.map((call) => call.loaded)).toEqual([100, 400]);
  });

  test("never starts a report while the previous one still runs, however much time passed", async () => {
    const recorder = recordingReport();
    const reporter = progressReporter(1000, 0, recorder.report);
    reporter.stored(100);
    await Bun.sleep(5);
    reporter.stored(200);
    expect(recorder.calls).toHaveLength(1);
    recorder.finishAll();
    await Bun.sleep(0);
    reporter.stored(300);
    expect(recorder.calls.map((call) => call.loaded)).toEqual([100, 300]);
    expect(recorder.mostAtOnce()).toBe(1);
  });

  test("finish waits for a running report, then reports 100 %", async () => {
    const recorder = recordingReport();
    const reporter = progressReporter(1000, 0, recorder.report);
    reporter.stored(500);
    let finished = false;
    const finishing = reporter.finish().then(() => (finished = true));
    await Bun.sleep(5);
    expect(recorder.calls).toHaveLength(1);
    recorder.finishAll();
    await Bun.sleep(0);
    expect(recorder.calls.at(-1)).toEqual({ loaded: 1000, total: 1000, progress: 1 });
    expect(finished).toBe(false);
    recorder.finishAll();
    await finishing;
    expect(recorder.mostAtOnce()).toBe(1);
  });

  test("finish reports 100 % even when nothing was reported before", async () => {
    const calls: UploadProgress[] = [];
    await progressReporter(4096, 100, instant(calls)).finish();
    expect(calls).toEqual([{ loaded: 4096, total: 4096, progress: 1 }]);
  });

  test("never reports more than the total", () => {
    const calls: UploadProgress[] = [];
    progressReporter(1000, 0, instant(calls)).stored(1500);
    expect(calls).toEqual([{ loaded: 1000, total: 1000, progress: 1 }]);
  });

  test("a progress handler that fails does not stop later reports or finish", async () => {
    const calls: number[] = [];
    const reporter = progressReporter(1000, 0, async (progress) => {
      calls.push(progress.loaded);
      throw new Error("progress bar broke");
    });
    const originalError = console.error;
    console.error = () => {};
    try {
      reporter.stored(100);
      await Bun.sleep(0);
      reporter.stored(200);
      await reporter.finish();
    } finally {
      console.error = originalError;
    }
    expect(calls).toEqual([100, 200, 1000]);
  });

  test("with no total known (no Content-Length), loaded still counts the bytes stored and the upload is not called done", () => {
    const calls: UploadProgress[] = [];
    progressReporter(0, 0, instant(calls)).stored(500);
    expect(calls[0]!.loaded).toBe(500);
    expect(calls[0]!.progress).toBeLessThan(1);
  });
});
