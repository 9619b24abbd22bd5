// GET /_stream on a real listening server: the first render, pushes after
// events from other tabs, and what closing the stream leaves behind.

import { afterAll, afterEach, beforeAll, describe, expect, spyOn, test } from "bun:test";
import { Elysia } from "elysia";
import { hyperstate } from "../../src/app";
import { background, State } from "../../src/state/state";
import { clearSelectedFiles, events } from "../../src/events/refs";
import type { PageContext } from "../../src/render/context";
import { runtimeOf } from "../../src/app";

class Tally extends State {
  static on = events(this);
  count = 0;

  async increment(by: number) {
    this.count += by;
  }

  @background
  async finishInBackground() {
    await this.update((self) => {
      self.count = 100;
    });
    return clearSelectedFiles("photos");
  }
}

function TallyPage({ use }: PageContext): JSX.Element {
  return `<p id="count">${use(Tally).count}</p>\n<p>second line</p>`;
}

/** Shows the URL the page function is given. */
function WherePage({ url }: PageContext): JSX.Element {
  return `<p id="url">${url.href}</p>`;
}

let plugin: ReturnType<typeof hyperstate>;
const newApp = () => new Elysia().use((plugin = hyperstate({ states: [Tally], pages: { "/tally": TallyPage, "/where": WherePage } })));
let app: ReturnType<typeof newApp>;
let base: string;

beforeAll(() => {
  app = newApp().listen({ port: 0, hostname: "127.0.0.1" });
  base = `http://127.0.0.1:${app.server!.port}`;
});

afterAll(async () => {
  await app.stop(true);
});

interface SseEvent {
  event?: string;
  data: string;
}

/** An open /_stream: its messages one by one, and a way to hang up. */
interface OpenStream {
  response: Response;
  next(timeoutMs?: number): Promise<SseEvent>;
  close(): void;
}

const streams: OpenStream[] = [];
afterEach(async () => {
  for (const stream of streams.splice(0)) stream.close();
  // Each test starts with no open stream, so hub sizes are its own.
  await waitFor(() => hub().size === 0);
});

async function openStream(session: string, tab: string, page = "/tally"): Promise<OpenStream> {
  const controller = new AbortController();
  const response = await fetch(`${base}/_stream?tab=${tab}&page=${encodeURIComponent(page)}`, {
    headers: { Cookie: `hs_session=${session}` },
    signal: controller.signal,
  });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  const stream: OpenStream = {
    response,
    async next(timeoutMs = 1000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const end = buffer.indexOf("\n\n");
        if (end >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const lines = frame.split("\n").filter((line) => !line.startsWith(":"));
          if (lines.length === 0) continue;
          const event = lines.find((line) => line.startsWith("event: "))?.slice(7);
          const data = lines.filter((line) => line.startsWith("data: ")).map((line) => line.slice(6)).join("\n");
          return { event, data };
        }
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`No message within ${timeoutMs} ms`);
        const read = await Promise.race([reader.read(), Bun.sleep(left).then(() => undefined)]);
        if (!read) throw new Error(`No message within ${timeoutMs} ms`);
        if (read.done) throw new Error("The stream ended");
        buffer += decoder.decode(read.value, { stream: true });
      }
    },
    close: () => controller.abort(),
  };
  streams.push(stream);
  return stream;
}

async function newSession(): Promise<string> {
  const cookie = (await fetch(`${base}/tally`)).headers.get("Set-Cookie") ?? "";
  return /^hs_session=([^;]+)/.exec(cookie)![1]!;
}

function increment(session: string, fromTab: string, by = 1): Promise<Response> {
  return fetch(`${base}/_event/Tally.increment`, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      "HX-Request": "true",
      "HX-Current-URL": `${base}/tally`,
      "HS-Tab": fromTab,
      Cookie: `hs_session=${session}`,
    },
    body: new URLSearchParams({ "hs-args": JSON.stringify([by]) }),
  });
}

async function waitFor(condition: () => boolean, timeoutMs = 1000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Condition not met within ${timeoutMs} ms`);
    await Bun.sleep(5);
  }
}

const hub = () => runtimeOf(plugin).hub;

describe("the stream", () => {
  test("answers text/event-stream whose first message is the current render", async () => {
    const session = await newSession();
    await increment(session, "tab-a", 3);
    const stream = await openStream(session, "tab-b");
    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get("Content-Type")).toStartWith("text/event-stream");
    const first = await stream.next();
    expect(first.event).toBeUndefined();
    // A render over several lines comes back whole.
    expect(first.data).toBe('<p id="count">3</p>\n<p>second line</p>');
  });

  test("an event in another tab reaches the stream with the new render", async () => {
    const session = await newSession();
    const stream = await openStream(session, "tab-b");
    await stream.next();
    const sent = performance.now();
    const response = await increment(session, "tab-a", 2);
    expect(response.status).toBe(200);
    const pushed = await stream.next(1000);
    const latency = performance.now() - sent;
    console.log(`SSE push after an event from another tab: ${latency.toFixed(1)} ms on loopback`);
    expect(pushed.data).toStartWith('<p id="count">2</p>');
  });

  test("a streamed render gives the page the same URL as the page load did", async () => {
    const session = await newSession();
    const load = await (await fetch(`${base}/where?x=1`, { headers: { Cookie: `hs_session=${session}` } })).text();
    expect(load).toContain(`<p id="url">${base}/where?x=1</p>`);
    const stream = await openStream(session, "tab-b", "/where?x=1");
    expect((await stream.next()).data).toBe(`<p id="url">${base}/where?x=1</p>`);
  });

  test("the tab that sent the event gets no push of the render it already has", async () => {
    const session = await newSession();
    const sender = await openStream(session, "tab-a");
    const other = await openStream(session, "tab-b");
    await sender.next();
    await other.next();
    await increment(session, "tab-a", 1);
    expect((await other.next()).data).toStartWith('<p id="count">1</p>');
    await expect(sender.next(150)).rejects.toThrow("No message");
  });

  test("another session's tabs get nothing", async () => {
    const alice = await newSession();
    const bob = await newSession();
    const bobsStream = await openStream(bob, "tab-b");
    await bobsStream.next();
    await increment(alice, "tab-a", 1);
    await expect(bobsStream.next(150)).rejects.toThrow("No message");
  });

  test("a background handler's updates and its client actions reach every tab", async () => {
    const session = await newSession();
    const stream = await openStream(session, "tab-a");
    await stream.next();
    const response = await fetch(`${base}/_event/Tally.finishInBackground`, {
      method: "POST",
      headers: { "HX-Request": "true", "HX-Current-URL": `${base}/tally`, "HS-Tab": "tab-a", Cookie: `hs_session=${session}` },
    });
    // Nothing to swap: the updates come over the stream, to this tab too.
    expect(response.status).toBe(204);
    expect((await stream.next()).data).toStartWith('<p id="count">100</p>');
    let message = await stream.next();
    while (message.event === undefined) message = await stream.next();
    expect(message.event).toBe("hs:actions");
    expect(JSON.parse(message.data)).toEqual([{ type: "clearSelectedFiles", id: "photos" }]);
  });

  test("closing the stream removes the tab and stops its keep-alive timer", async () => {
    const started = spyOn(globalThis, "setInterval");
    const cleared = spyOn(globalThis, "clearInterval");
    try {
      const session = await newSession();
      const stream = await openStream(session, "tab-closing");
      await stream.next();
      expect(hub().size).toBe(1);
      const timers = started.mock.results.map((result) => result.value);
      stream.close();
      await waitFor(() => hub().size === 0);
      expect(hub().tabsOf(session)).toEqual([]);
      const clearedTimers: unknown[] = cleared.mock.calls.map(([timer]) => timer);
      expect(timers.some((timer) => clearedTimers.includes(timer))).toBe(true);
      // An event now has no tab to push to, and still answers.
      expect((await increment(session, "tab-a")).status).toBe(200);
    } finally {
      started.mockRestore();
      cleared.mockRestore();
    }
  });

  test("all streams closed leaves the hub empty", async () => {
    const session = await newSession();
    const a = await openStream(session, "tab-1");
    const b = await openStream(session, "tab-2");
    await a.next();
    await b.next();
    a.close();
    b.close();
    await waitFor(() => hub().size === 0);
  });
});

describe("stream requests it refuses", () => {
  test("a missing or malformed tab id is 400", async () => {
    const session = await newSession();
    for (const query of ["page=%2Ftally", "tab=&page=%2Ftally", "tab=a%20b&page=%2Ftally", `tab=${"x".repeat(65)}&page=%2Ftally`, "tab=%3Cscript%3E&page=%2Ftally"]) {
      const response = await fetch(`${base}/_stream?${query}`, { headers: { Cookie: `hs_session=${session}` } });
      expect({ query, status: response.status }).toEqual({ query, status: 400 });
      expect(await response.text()).toContain("tab id");
    }
    expect(hub().tabsOf(session)).toEqual([]);
  });

  test("a page that is not in the app is 404", async () => {
    const session = await newSession();
    for (const page of ["/nothing", "", "tally", "http://evil.example/tally"]) {
      const response = await fetch(`${base}/_stream?tab=t1&page=${encodeURIComponent(page)}`, { headers: { Cookie: `hs_session=${session}` } });
      expect({ page, status: response.status }).toEqual({ page, status: 404 });
    }
    expect(hub().tabsOf(session)).toEqual([]);
  });

  test("a protocol-relative page on another host is 404, though its path is a page", async () => {
    // new URL("//evil.example/tally", base) is http://evil.example/tally: pages would see that host in ctx.url.
    const session = await newSession();
    const response = await fetch(`${base}/_stream?tab=t1&page=${encodeURIComponent("//evil.example/tally")}`, {
      headers: { Cookie: `hs_session=${session}` },
    });
    expect(response.status).toBe(404);
    await response.body?.cancel();
  });
});
