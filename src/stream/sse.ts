export interface SseMessage {
  /** Named events become DOM events in the browser; unnamed ones are swapped in. */
  event?: string;
  data: string;
  id?: string;
}

/** One message in text/event-stream framing. */
export function formatSse({ event, data, id }: SseMessage): string {
  // A field value with CR or LF would end the field early and let data forge events.
  for (const field of [event, id]) {
    if (field !== undefined && /[\r\n]/.test(field)) throw new Error("SSE event names and ids may not contain CR or LF");
  }
  let frame = "";
  if (event) frame += `event: ${event}\n`;
  if (id) frame += `id: ${id}\n`;
  for (const line of data.split(/\r\n|\r|\n/)) frame += `data: ${line}\n`;
  return `${frame}\n`;
}

export type Send = (message: SseMessage) => void;

/**
 * A text/event-stream response. `open` is called with a sender once the
 * client is connected and returns the cleanup to run when it goes away.
 */
export function sseResponse(open: (send: Send) => () => void, keepAliveMs = 15_000): Response {
  const encoder = new TextEncoder();
  let cleanup = () => {};
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      let closed = false;
      const write = (text: string) => {
        if (closed) return;
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          stop();
        }
      };
      // Comments keep proxies and the browser from closing an idle stream.
      const keepAlive = setInterval(() => write(": keep-alive\n\n"), keepAliveMs);
      const unsubscribe = open((message) => write(formatSse(message)));
      function stop() {
        if (closed) return;
        closed = true;
        clearInterval(keepAlive);
        unsubscribe();
      }
      cleanup = stop;
      write(": connected\n\n");
    },
    cancel() {
      cleanup();
    },
  });
  return new Response(body, {
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache, no-transform",
      "X-Accel-Buffering": "no",
    },
  });
}
