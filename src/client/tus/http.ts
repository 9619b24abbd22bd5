// The requests of the tus client, and the encodings tus asks for. Requests go
// through XMLHttpRequest, as the multipart upload does: it aborts cleanly and
// can report the bytes sent.

/**
 * An upload the server refused (`response`), or that lost the connection
 * (`response` null or of status 0); `resumable` when a later click may go on
 * from where it stopped. The page turns it into a message.
 */
export class TusFailure extends Error {
  constructor(
    readonly response: XMLHttpRequest | null,
    readonly resumable = false,
  ) {
    super(`tus upload failed: ${response?.status ?? "connection lost"}`);
    this.name = "TusFailure";
  }
}

/**
 * Resolves with the finished request, whatever its status (0: no answer, a
 * network error or the timeout). Rejects only when `signal` aborts it.
 */
export function tusRequest(
  method: string,
  url: string,
  headers: Record<string, string | number>,
  signal?: AbortSignal,
  body: Blob | null = null,
): Promise<XMLHttpRequest> {
  return new Promise((resolve, reject) => {
    signal?.throwIfAborted();
    const request = new XMLHttpRequest();
    const abort = () => request.abort();
    request.open(method, url);
    // A stalled connection counts as a lost one.
    request.timeout = 60_000;
    // "The Tus-Resumable header MUST be included in every request and response except for OPTIONS requests."
    for (const [name, value] of Object.entries({ ...headers, "Tus-Resumable": "1.0.0" })) {
      request.setRequestHeader(name, `${value}`);
    }
    request.onloadend = () => {
      signal?.removeEventListener("abort", abort);
      if (signal?.aborted) reject(signal.reason);
      else resolve(request);
    };
    signal?.addEventListener("abort", abort);
    request.send(body);
  });
}

/** Upload-Offset of an answer; NaN when it has none. */
export function offsetOf(response: XMLHttpRequest): number {
  return Number(response.getResponseHeader("Upload-Offset") ?? NaN);
}

export function base64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}

/**
 * Upload-Metadata: "one or more comma-separated key-value pairs. The key and
 * value MUST be separated by a space. [...] The value MUST be Base64 encoded."
 * Values are UTF-8 first, so any file name survives. Absent values are left out.
 */
export function encodeMetadata(metadata: Record<string, string | number | null | undefined>): string {
  return Object.entries(metadata)
    .filter(([, value]) => value != null && value !== "")
    .map(([key, value]) => `${key} ${base64(new TextEncoder().encode(`${value}`))}`)
    .join(",");
}

/** 22 random characters, base64url. */
export function randomId(): string {
  return base64(crypto.getRandomValues(new Uint8Array(16)))
    .replace(/=+$/, "")
    .replace(/\+/g, "-")
    .replace(/\//g, "_");
}
