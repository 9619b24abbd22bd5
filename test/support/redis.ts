// Debian's redis-server for the tests: started on a free 127.0.0.1 port in
// a temp dir, with nothing written to disk unless asked, and stopped after.

import type { Subprocess } from "bun";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export interface RedisServer {
  url: string;
  port: number;
  /** Stops the server. With `save`, it writes its data first, so `start` brings it back as it was. */
  stop(options?: { save?: boolean }): Promise<void>;
  /** Starts it again on the same port and directory (after `stop`). */
  start(): Promise<void>;
  /** Freezes the process (SIGSTOP): connections stay open and nothing answers, as in a network partition. */
  pause(): void;
  /** Thaws it (SIGCONT). */
  resume(): void;
  /** Stops it for good and removes its directory. */
  close(): Promise<void>;
}

/** A port nothing listens on now. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts redis-server on `port` (default: a free one). */
export async function startRedis(port?: number): Promise<RedisServer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "hs-redis-"));
  port ??= await freePort();
  let child: Subprocess | undefined;

  const start = async () => {
    child = Bun.spawn(
      ["redis-server", "--port", String(port!), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir, "--daemonize", "no"],
      { cwd: dir, stdout: "ignore", stderr: "inherit" },
    );
    await untilAnswers(port!, child);
  };

  const stop = async ({ save = false } = {}) => {
    if (!child || child.exitCode !== null) return;
    if (save) await command(port!, "SHUTDOWN SAVE").catch(() => {});
    child.kill();
    await child.exited;
  };

  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop,
    start,
    pause: () => child?.kill("SIGSTOP"),
    resume: () => child?.kill("SIGCONT"),
    async close() {
      child?.kill("SIGCONT");
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function untilAnswers(port: number, child: Subprocess): Promise<void> {
  const end = Date.now() + 10_000;
  for (;;) {
    if ((await command(port, "PING").catch(() => "")) === "+PONG") return;
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode} (is it installed? apt-get install -y redis-server)`);
    if (Date.now() > end) throw new Error(`redis-server did not answer on port ${port}`);
    await Bun.sleep(20);
  }
}

/** One inline command over a fresh connection; its first reply line. */
function command(port: number, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    let reply = "";
    socket.on("connect", () => socket.write(`${line}\r\n`));
    socket.on("data", (data) => {
      reply += data.toString();
      if (reply.includes("\r\n")) {
        socket.destroy();
        resolve(reply.split("\r\n")[0]!);
      }
    });
    socket.on("error", reject);
    socket.on("close", () => resolve(reply.split("\r\n")[0]!));
  });
}
