import { afterEach, describe, expect, spyOn, test } from "bun:test";
import { formatSse, sseResponse, type Send } from "../../src/stream/sse";

describe("formatSse", () => {
  test("frames a message as data lines ended by a blank line", () => {
    expect(formatSse({ data: "<p>1</p>" })).toBe("data: <p>1</p>\n\n");
  });

  test("writes the event name and id before the data", () => {
    expect(formatSse({ event: "hs:actions", id: "7", data: "[]" })).toBe("event: hs:actions\nid: 7\ndata: []\n\n");
  });

  test("splits multi-line data into one data line per line, whatever the line ending", () => {
    expect(formatSse({ data: "a\nb\r\nc\rd" })).toBe("data: a\ndata: b\ndata: c\ndata: d\n\n");
  });

  test("data that looks like a field cannot start a new event", () => {
    const frame = formatSse({ data: "x\n\nevent: forged\ndata: y" });
    expect(frame).toBe("data: x\ndata: \ndata: event: forged\ndata: data: y\n\n");
    // Exactly one blank line, at the end: one message.
    expect(frame.indexOf("\n\n")).toBe(frame.length - 2);
  });

  test("refuses CR or LF in an event name", () => {
    expect(() => formatSse({ event: "a\nb", data: "" })).toThrow("may not contain CR or LF");
    expect(() => formatSse({ event: "a\rb", data: "" })).toThrow("may not contain CR or LF");
  });

  test("refuses CR or LF in an id", () => {
    expect(() => formatSse({ id: "1\ndata: forged", data: "" })).toThrow("may not contain CR or LF");
    expect(() => formatSse({ id: "1\r", data: "" })).toThrow("may not contain CR or LF");
  });
});

describe("sseResponse", () => {
  const spies: { mockRestore(): void }[] = [];
  afterEach(() => {
    for (const spy of spies.splice(0)) spy.mockRestore();
  });

  async function readText(reader: ReadableStreamDefaultReader<Uint8Array>, until: string): Promise<string> {
    const decoder = new TextDecoder();
    let text = "";
    while (!text.includes(until)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    return text;
  }

  test("answers text/event-stream that no proxy caches or buffers", () => {
    const response = sseResponse(() => () => {});
    expect(response.headers.get("Content-Type")).toStartWith("text/event-stream");
    expect(response.headers.get("Cache-Control")).toContain("no-cache");
    expect(response.headers.get("X-Accel-Buffering")).toBe("no");
    void response.body?.cancel();
  });

  test("streams what is sent, framed, after a first comment", async () => {
    let send!: Send;
    const response = sseResponse((sender) => {
      send = sender;
      return () => {};
    });
    const reader = response.body!.getReader();
    send({ data: "hello\nworld" });
    expect(await readText(reader, "world")).toBe(": connected\n\ndata: hello\ndata: world\n\n");
    await reader.cancel();
  });

  test("sends keep-alive comments while idle", async () => {
    const response = sseResponse(() => () => {}, 10);
    const reader = response.body!.getReader();
    expect(await readText(reader, ": keep-alive")).toContain(": keep-alive\n\n");
    await reader.cancel();
  });

  test("cancelling the stream runs the cleanup once and stops the keep-alive timer", async () => {
    const started = spyOn(globalThis, "setInterval");
    const cleared = spyOn(globalThis, "clearInterval");
    spies.push(started, cleared);
    let cleanups = 0;
    let send!: Send;
    const response = sseResponse((sender) => {
      send = sender;
      return () => cleanups++;
    }, 10);
    const timer = started.mock.results.at(-1)?.value;
    expect(timer).toBeDefined();
    await response.body!.cancel();
    expect(cleanups).toBe(1);
    expect(cleared.mock.calls.some(([cleared]) => cleared === timer)).toBe(true);
    // Sending after the client left is a no-op, not an error.
    expect(() => send({ data: "late" })).not.toThrow();
    expect(cleanups).toBe(1);
  });
});
