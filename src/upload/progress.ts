import type { UploadProgress } from "../protocol";

/**
 * Calls `report` with the bytes the server has stored, at most once per
 * `intervalMs` and never while the previous report still runs, so a slow
 * progress handler cannot slow the upload. `finish` always reports 100 %.
 */
export function progressReporter(total: number, intervalMs: number, report: (progress: UploadProgress) => Promise<unknown>) {
  let last = 0;
  let pending: Promise<unknown> | undefined;
  const send = (loaded: number) => {
    const progress = { loaded, total, progress: total > 0 ? Math.min(1, loaded / total) : 1 };
    pending = report(progress)
      .catch((error) => console.error("The upload progress handler failed:", error))
      .finally(() => (pending = undefined));
    return pending;
  };
  return {
    stored(loaded: number): void {
      const now = performance.now();
      if (pending || now - last < intervalMs) return;
      last = now;
      void send(Math.min(loaded, total));
    },
    async finish(): Promise<void> {
      await pending;
      await send(total);
    },
  };
}
