// A hand-driven HTTP/1.1 client over a TCP socket: the test decides when each
// byte of the body leaves, and sees the answer as soon as the server sends
// it, even while the body is unfinished (fetch waits for its body first).

import { connect, type Socket } from "node:net";

export interface RawResponse {
  status: number;
  headers: Map<string, string>;
  body: string;
}

export interface RawRequest {
  /** Sends body bytes; resolves once the socket took them. Writes after the server hung up are dropped. */
  write(bytes: Uint8Array): Promise<void>;
  /** Settles when the whole answer arrived, or rejects if the server hung up without one. */
  response: Promise<RawResponse>;
  /** True once an answer's head arrived, whether or not the body is done. */
  readonly answered: boolean;
  /** Drops the connection, as a closed tab does. */
  destroy(): void;
}

export async function openRawRequest(port: number, path: string, headers: Record<string, string>): Promise<RawRequest> {
  const socket = await new Promise<Socket>((resolve, reject) => {
    const opened = connect({ host: "127.0.0.1", port }, () => resolve(opened));
    opened.once("error", reject);
  });
  let received = Buffer.alloc(0);
  let head: { status: number; headers: Map<string, string>; bodyStart: number } | undefined;
  let settle!: (response: RawResponse) => void;
  let fail!: (error: Error) => void;
  const response = new Promise<RawResponse>((resolve, reject) => {
    settle = resolve;
    fail = reject;
  });
  response.catch(() => {}); // a test that drops the connection may never read it

  const tryFinish = (closed: boolean) => {
    if (!head) {
      const end = received.indexOf("\r\n\r\n");
      if (end === -1) {
        if (closed) fail(new Error("The server closed the connection without an answer"));
        return;
      }
      const [statusLine, ...lines] = received.subarray(0, end).toString("latin1").split("\r\n");
      const fields = new Map(lines.map((line) => [line.slice(0, line.indexOf(":")).toLowerCase(), line.slice(line.indexOf(":") + 1).trim()]));
      head = { status: Number(statusLine!.split(" ")[1]), headers: fields, bodyStart: end + 4 };
    }
    const length = Number(head.headers.get("content-length") ?? NaN);
    const body = received.subarray(head.bodyStart);
    if ((Number.isFinite(length) && body.length >= length) || closed) {
      settle({ status: head.status, headers: head.headers, body: body.subarray(0, Number.isFinite(length) ? length : undefined).toString("utf8") });
    }
  };
  socket.on("data", (chunk: Buffer) => {
    received = Buffer.concat([received, chunk]);
    tryFinish(false);
  });
  socket.on("close", () => tryFinish(true));
  socket.on("error", () => {}); // EPIPE/ECONNRESET after the server answered early

  const lines = Object.entries({ Host: `127.0.0.1:${port}`, ...headers }).map(([name, value]) => `${name}: ${value}\r\n`);
  socket.write(`POST ${path} HTTP/1.1\r\n${lines.join("")}\r\n`);

  return {
    response,
    get answered() {
      return head !== undefined;
    },
    write(bytes) {
      if (socket.destroyed || socket.writableEnded) return Promise.resolve();
      return new Promise((resolve) => {
        if (socket.write(bytes)) return resolve();
        const done = () => {
          socket.off("drain", done);
          socket.off("close", done);
          resolve();
        };
        socket.on("drain", done);
        socket.on("close", done);
      });
    },
    destroy() {
      socket.destroy();
    },
  };
}
