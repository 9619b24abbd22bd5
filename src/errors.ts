/**
 * An error a request can answer with: its status and a message a person can
 * act on. Handlers throw one; the edge turns it into a response.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Headers the answer carries besides the message (a 409's Upload-Offset, a 405's Allow). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "HttpError";
  }
}

/**
 * Any error that carries a 4xx status (ours or a parser's) becomes that
 * response, and so does a 503 (a backend such as Redis is away); the rest are 500.
 */
export function errorResponse(error: unknown): Response {
  const status = (error as { status?: unknown })?.status;
  if (typeof status === "number" && ((status >= 400 && status < 500) || status === 503)) {
    const extra = error instanceof HttpError ? error.headers : {};
    return new Response((error as Error).message, { status, headers: { ...extra, "Content-Type": "text/plain; charset=utf-8" } });
  }
  console.error(error);
  return new Response("Internal server error: the server logged the details", { status: 500 });
}
