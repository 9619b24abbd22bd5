// Debian's redis-server for the scenarios that compare Redis with memory:
// a free 127.0.0.1 port, nothing written to disk, killed with the other children.

import { RedisClient } from "bun";
import net from "node:net";
import { stop, track } from "./children";

export interface BenchRedis {
  url: string;
  stop(): Promise<void>;
}

export async function startRedis(dir: string): Promise<BenchRedis> {
  const port = await new Promise<number>((resolve) => {
    const probe = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
  const proc = track(
    Bun.spawn(["redis-server", "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], {
      stdin: "ignore",
      stdout: "ignore",
      stderr: "inherit",
    }),
  );
  const url = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    const client = new RedisClient(url, { autoReconnect: false, connectionTimeout: 500 });
    const answered = await client.ping().then(() => true, () => false);
    client.close();
    if (answered) return { url, stop: () => stop(proc) };
    if (proc.exitCode !== null || Date.now() > deadline) throw new Error("redis-server did not start (apt-get install -y redis-server)");
    await Bun.sleep(50);
  }
}
