// Server processes the bench starts: each in its own child so its memory is
// its own (read from /proc/<pid>/status), all killed at the end, on error
// and on Ctrl-C.

import type { Subprocess } from "bun";

/** Open files each child may hold: the SSE scenario opens thousands of sockets. */
export const OPEN_FILES = 20_000;

export interface Child {
  pid: number;
  /** http://127.0.0.1:<port> */
  url: string;
  proc: Subprocess<"ignore", "pipe", "inherit">;
}

const alive = new Set<Subprocess>();

/**
 * Runs `bun <script> <args>` under a raised open-files limit. The bash
 * wrapper execs into bun, so the pid is the bun process itself.
 */
export function spawnBun(script: string, args: string[], env: Record<string, string> = {}) {
  const raise = `ulimit -n ${OPEN_FILES} 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$0" "$@"`;
  const proc = Bun.spawn(["bash", "-c", raise, process.execPath, script, ...args], {
    env: { ...process.env, ...env },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "inherit",
  });
  return track(proc);
}

/** Counts a process among the children killed at the end, on error and on Ctrl-C. */
export function track<T extends Subprocess>(proc: T): T {
  alive.add(proc);
  proc.exited.finally(() => alive.delete(proc));
  return proc;
}

/**
 * Starts a server script that takes its port from argv (0: any) and prints
 * `listening http://127.0.0.1:<port>` once it accepts connections.
 */
export async function startServer(script: string, args: string[] = [], env: Record<string, string> = {}): Promise<Child> {
  return awaitListening(spawnBun(script, ["0", ...args], env), script);
}

/** Waits for a started server to print `listening http://127.0.0.1:<port>`; kills it if it does not within 30 s. */
export async function awaitListening(proc: Subprocess<"ignore" | "pipe", "pipe", "inherit" | "pipe">, label: string): Promise<Child> {
  const reader = proc.stdout.getReader();
  const decoder = new TextDecoder();
  let seen = "";
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const timeout = Bun.sleep(deadline - Date.now()).then(() => ({ done: true, value: undefined }) as const);
    const read = await Promise.race([reader.read(), timeout]);
    if (read.done) break;
    seen += decoder.decode(read.value, { stream: true });
    const match = /listening (http:\/\/127\.0\.0\.1:\d+)/.exec(seen);
    if (match) {
      // Keep draining, so a chatty server never blocks on a full pipe.
      void (async () => {
        while (!(await reader.read().catch(() => ({ done: true }))).done);
      })();
      return { pid: proc.pid, url: match[1]!, proc };
    }
  }
  await stop(proc);
  throw new Error(`${label} did not print "listening http://127.0.0.1:<port>" within 30 s (printed: ${seen.slice(0, 500)})`);
}

/** SIGTERM, then SIGKILL after 3 s. */
export async function stop(proc: Subprocess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  proc.kill("SIGTERM");
  const exited = await Promise.race([proc.exited.then(() => true), Bun.sleep(3000).then(() => false)]);
  if (!exited) proc.kill("SIGKILL");
  await proc.exited;
}

export async function stopAll(): Promise<void> {
  await Promise.all([...alive].map(stop));
}

/** At once, for exit paths that cannot wait (Ctrl-C): SIGKILL to each child by its pid. */
export function killAll(): void {
  for (const proc of alive) proc.kill("SIGKILL");
}

/** VmRSS and VmHWM (peak) of a process, in bytes. */
export async function memoryOf(pid: number): Promise<{ rss: number; peak: number }> {
  const status = await Bun.file(`/proc/${pid}/status`).text();
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kib("VmRSS"), peak: kib("VmHWM") };
}

/**
 * Resets a process's peak RSS to its current RSS (Linux: "5" to
 * clear_refs), so a peak belongs to one measurement. Returns false where
 * the kernel refuses; the peak then counts from the process start.
 */
export async function resetPeak(pid: number): Promise<boolean> {
  try {
    await Bun.write(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

const TICKS_PER_SECOND = 100; // USER_HZ, 100 on x86 and arm Linux (getconf CLK_TCK)

/**
 * CPU seconds (user + system) a process has used. Other processes on a busy
 * machine slow a server's answers but barely change the CPU it spends on
 * each one, so CPU per request is the steadier figure there.
 */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await Bun.file(`/proc/${pid}/stat`).text();
  // Fields after the command name (which may hold spaces) start at state, field 3.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}
