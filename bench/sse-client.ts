// The SSE scenario's client, a child process of its own so it can hold
// thousands of sockets under a raised open-files limit. Opens the streams,
// reads the server's RSS, then times events reaching 100 streams.
//   bun bench/sse-client.ts <server url> <server pid> <streams> <sessions> <events>
// Prints one line of JSON on stdout; progress goes to stderr.

import { connect, type Socket } from "node:net";
import { randomBytes } from "node:crypto";
import { memoryOf } from "./lib/children";
import { percentile } from "./lib/report";

const [base, pidArg, streamsArg, sessionsArg, eventsArg] = process.argv.slice(2);
const serverPid = Number(pidArg);
const wanted = Number(streamsArg);
const sessionCount = Number(sessionsArg);
const eventCount = Number(eventsArg);
if (!base?.startsWith("http://127.0.0.1:") || !(serverPid > 0) || !(wanted > 0) || !(sessionCount > 0) || !(eventCount > 0)) {
  throw new Error("usage: bun bench/sse-client.ts http://127.0.0.1:<port> <server pid> <streams> <sessions> <events>");
}
const { port } = new URL(base);
const page = `${base}/counter`;
const OPEN_TIMEOUT_MS = 180_000;
const EVENT_TIMEOUT_MS = 30_000;
const COUNT = /id="count"[^>]*>(-?\d+)</g;

interface Stream {
  socket: Socket;
  session: number;
  /** Called with each count this stream receives after its first render. */
  onCount?: (count: number) => void;
  tail: string;
}

// One GET /counter per session: its cookie, and the tab id format the page uses.
const sessions: { cookie: string }[] = [];
let tabIdFormat = "";
for (let i = 0; i < sessionCount; i++) {
  const response = await fetch(page, { signal: AbortSignal.timeout(30_000) });
  const html = await response.text();
  const cookie = response.headers.get("Set-Cookie")?.split(";")[0];
  const tab = /data-hs-tab="([^"]+)"/.exec(html)?.[1];
  if (!cookie || !tab) throw new Error("GET /counter gave no session cookie or no tab id");
  tabIdFormat ||= `${tab.length} characters like ${tab}`;
  sessions.push({ cookie });
}

const idleRss = (await memoryOf(serverPid)).rss;
const streams: Stream[] = [];
const failures = new Map<string, number>();

/** Opens one stream; resolves when its first render has arrived. */
function open(session: number): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const tab = randomBytes(16).toString("base64url");
    const socket = connect({ host: "127.0.0.1", port: Number(port) });
    const stream: Stream = { socket, session, tail: "" };
    let opened = false;
    const timer = setTimeout(() => fail(new Error("no first render within 30 s")), 30_000);
    function fail(error: Error) {
      clearTimeout(timer);
      socket.destroy();
      if (!opened) reject(error);
    }
    socket.on("error", fail);
    socket.on("close", () => !opened && fail(new Error("closed before the first render")));
    socket.on("connect", () => {
      socket.write(
        `GET /_stream?tab=${tab}&page=%2Fcounter HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
          `Accept: text/event-stream\r\nCookie: ${sessions[session]!.cookie}\r\n\r\n`,
      );
    });
    socket.on("data", (chunk: Buffer) => {
      // Only the end matters: the newest render's count. 8 KiB holds a whole render.
      stream.tail = (stream.tail + chunk.toString("latin1")).slice(-8192);
      let count: number | undefined;
      for (const match of stream.tail.matchAll(COUNT)) count = Number(match[1]);
      if (count === undefined) return;
      if (!opened) {
        opened = true;
        clearTimeout(timer);
        stream.tail = "";
        resolve(stream);
      } else {
        stream.tail = "";
        stream.onCount?.(count);
      }
    });
  });
}

// Streams spread evenly over the sessions, opened 100 at a time.
const openStart = performance.now();
for (let next = 0; next < wanted && performance.now() - openStart < OPEN_TIMEOUT_MS; next += 100) {
  const batch = Array.from({ length: Math.min(100, wanted - next) }, (_, i) => open((next + i) % sessionCount));
  for (const result of await Promise.allSettled(batch)) {
    if (result.status === "fulfilled") streams.push(result.value);
    else failures.set(String(result.reason?.message ?? result.reason), (failures.get(String(result.reason?.message ?? result.reason)) ?? 0) + 1);
  }
  if (next % 1000 === 0) console.error(`sse: ${streams.length} streams open`);
}
const openSeconds = (performance.now() - openStart) / 1000;
await Bun.sleep(2000); // let the server settle before reading its memory
const openRss = (await memoryOf(serverPid)).rss;

// Events from session 0; its streams (every sessionCount-th) must each see the new count.
const watched = streams.filter((stream) => stream.session === 0);
const pushMs: number[] = [];
const postMs: number[] = [];
const counter = await fetch(page, { headers: { cookie: sessions[0]!.cookie }, signal: AbortSignal.timeout(30_000) });
let count = Number(/id="count"[^>]*>(-?\d+)</.exec(await counter.text())?.[1]);
for (let i = 0; i < eventCount; i++) {
  const expected = ++count;
  const start = performance.now();
  let lastArrival = 0;
  const arrived = new Set<Stream>();
  const allArrived = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${arrived.size} of ${watched.length} streams saw count ${expected} within 30 s`)), EVENT_TIMEOUT_MS);
    for (const stream of watched) {
      stream.onCount = (seen) => {
        if (seen !== expected || arrived.has(stream)) return;
        arrived.add(stream);
        lastArrival = performance.now();
        if (arrived.size === watched.length) {
          clearTimeout(timer);
          resolve();
        }
      };
    }
  });
  const response = await fetch(`${base}/_event/CounterState.increment`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", "HX-Request": "true", "HX-Current-URL": page, cookie: sessions[0]!.cookie },
    body: new URLSearchParams({ "hs-args": "[1]" }),
    signal: AbortSignal.timeout(EVENT_TIMEOUT_MS),
  });
  await response.text();
  postMs.push(performance.now() - start);
  if (response.status !== 200) throw new Error(`The event answered ${response.status}`);
  await allArrived;
  pushMs.push(lastArrival - start);
  await Bun.sleep(100);
}

for (const stream of streams) stream.socket.destroy();
const limits = async (pid: number | "self") => /^Max open files\s+(\d+)/m.exec(await Bun.file(`/proc/${pid}/limits`).text())?.[1];
console.log(
  JSON.stringify({
    wanted,
    opened: streams.length,
    sessions: sessionCount,
    tabIdFormat,
    openSeconds,
    failures: Object.fromEntries(failures),
    idleRss,
    openRss,
    watched: watched.length,
    pushMs,
    postMs,
    pushP50: percentile(pushMs, 50),
    pushP99: percentile(pushMs, 99),
    openFilesLimit: { client: await limits("self"), server: await limits(serverPid) },
  }),
);
