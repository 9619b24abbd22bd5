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
 * A mistake in how the app is put together (a state not registered, a
 * handler that does not exist): a 500 whose message is shown, since it
 * tells the developer what to change and holds nothing secret.
 */
export class SetupError extends HttpError {
  constructor(message: string) {
    super(500, message);
    this.name = "SetupError";
  }
}

/**
 * Every refusal is an HttpError (the upload, tus, multipart and backend
 * errors extend it): a 4xx becomes that response, and so does a 503 (a
 * backend such as Redis is away); the rest are 500.
 */
export function errorResponse(error: unknown): Response {
  if (error instanceof SetupError) console.error(error);
  if (error instanceof HttpError && ((error.status >= 400 && error.status < 500) || error.status === 503 || error instanceof SetupError)) {
    return new Response(error.message, { status: error.status, headers: { ...error.headers, "Content-Type": "text/plain; charset=utf-8" } });
  }
  console.error(error);
  return new Response("Internal server error: the server logged the details", { status: 500 });
}
