import type { UploadProgress } from "../../protocol";

/**
 * Calls `report` with the bytes the server has stored, at most once per
 * `intervalMs` and never while the previous report still runs, so a slow
 * progress handler cannot slow the upload. `finish` always reports 100 %.
 * With no total known (0), `loaded` still counts and `progress` stays 0
 * until the end.
 */
export function progressReporter(totalOf: number | (() => number), intervalMs: number, report: (progress: UploadProgress) => Promise<unknown>) {
  const totalNow = typeof totalOf === "number" ? () => totalOf : totalOf;
  let last = 0;
  let lastLoaded = 0;
  let pending: Promise<unknown> | undefined;
  const send = (progress: UploadProgress) => {
    pending = report(progress)
      .catch((error) => console.error("The upload progress handler failed:", error))
      .finally(() => (pending = undefined));
    return pending;
  };
  return {
    stored(loaded: number): void {
      lastLoaded = loaded;
      const now = performance.now();
      if (pending || now - last < intervalMs) return;
      last = now;
      const total = totalNow();
      if (total > 0) void send({ loaded: Math.min(loaded, total), total, progress: Math.min(1, loaded / total) });
      else void send({ loaded, total: 0, progress: 0 });
    },
    async finish(): Promise<void> {
      await pending;
      const total = totalNow() || lastLoaded;
      await send({ loaded: total, total, progress: 1 });
    },
  };
}
