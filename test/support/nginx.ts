// Debian's nginx in front of several app instances for the cluster tests
// and `bun run demo:cluster`: round-robin without sticky sessions, on a free
// 127.0.0.1 port, with its config, pid, temp folders and logs in one temp dir.

import type { Subprocess } from "bun";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "./redis";

export interface Nginx {
  url: string;
  port: number;
  /** One line per request answered: method, path, the upstream it went to (`127.0.0.1:port`), status. */
  requests(): ProxiedRequest[];
  stop(): Promise<void>;
}

export interface ProxiedRequest {
  method: string;
  path: string;
  /** Every upstream nginx tried, in order (more than one when one was down). */
  upstreams: string[];
  status: string;
}

/** Starts nginx proxying to `upstreamPorts` on 127.0.0.1; resolves once it answers. */
export async function startNginx(upstreamPorts: number[]): Promise<Nginx> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "hs-nginx-"));
  const port = await freePort();
  const config = path.join(dir, "nginx.conf");
  writeFileSync(config, nginxConfig(dir, port, upstreamPorts));
  const child: Subprocess = Bun.spawn(["nginx", "-c", config, "-p", dir, "-e", path.join(dir, "error.log")], { cwd: dir, stdout: "ignore", stderr: "pipe" });
  const url = `http://127.0.0.1:${port}`;
  await untilListening(url, child, dir);
  return {
    url,
    port,
    requests: () => readRequests(path.join(dir, "access.log")),
    async stop() {
      if (child.exitCode === null) {
        // SIGTERM is nginx's fast shutdown: open SSE streams would hold a graceful one (SIGQUIT) for an hour.
        child.kill("SIGTERM");
        await child.exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function nginxConfig(dir: string, port: number, upstreamPorts: number[]): string {
  const temp = (name: string) => path.join(dir, name);
  // As root, workers would run as nobody and could not write this temp dir.
  const user = process.getuid?.() === 0 ? "user root;" : "";
  return `${user}
daemon off;
worker_processes 1;
pid ${temp("nginx.pid")};
error_log ${temp("error.log")} warn;
events { worker_connections 1024; }
http {
  log_format cluster '$request_method $uri $upstream_addr $status';
  access_log ${temp("access.log")} cluster;
  client_body_temp_path ${temp("client_body")};
  proxy_temp_path ${temp("proxy")};
  fastcgi_temp_path ${temp("fastcgi")};
  uwsgi_temp_path ${temp("uwsgi")};
  scgi_temp_path ${temp("scgi")};
  # Round-robin, the default: no ip_hash, no sticky cookie.
  upstream hyperstate {
${upstreamPorts.map((upstream) => `    server 127.0.0.1:${upstream} max_fails=1 fail_timeout=2s;`).join("\n")}
  }
  server {
    listen 127.0.0.1:${port};
    # Uploads of any size go through; the app enforces its own limits.
    client_max_body_size 0;
    location / {
      proxy_pass http://hyperstate;
      proxy_http_version 1.1;
      proxy_set_header Host $http_host;
      proxy_set_header Connection "";
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $http_host;
      # SSE pushes reach the tab at once, and uploads stream to the app as they come.
      proxy_buffering off;
      proxy_request_buffering off;
      proxy_read_timeout 1h;
      proxy_send_timeout 1h;
      # Which instance answered, for a person trying the cluster and for the tests.
      add_header X-Upstream $upstream_addr always;
    }
  }
}
`;
}

async function untilListening(url: string, child: Subprocess, dir: string): Promise<void> {
  const end = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) {
      const log = (() => {
        try {
          return readFileSync(path.join(dir, "error.log"), "utf8");
        } catch {
          return "";
        }
      })();
      throw new Error(`nginx exited with ${child.exitCode} (is it installed? apt-get install -y nginx): ${log}`);
    }
    try {
      await fetch(`${url}/_nginx_probe`, { signal: AbortSignal.timeout(1000) });
      return;
    } catch {}
    if (Date.now() > end) throw new Error(`nginx did not answer on ${url}`);
    await Bun.sleep(20);
  }
}

function readRequests(log: string): ProxiedRequest[] {
  let text = "";
  try {
    text = readFileSync(log, "utf8");
  } catch {}
  return text
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      // "GET /counter 127.0.0.1:1, 127.0.0.1:2 200": the upstreams tried sit between path and status.
      const fields = line.split(" ");
      return { method: fields[0]!, path: fields[1]!, upstreams: fields.slice(2, -1).join(" ").split(/,\s*/).filter(Boolean), status: fields.at(-1)! };
    });
}
