import { HttpError } from "../errors";

/** Events carry a few small fields; anything bigger is not an event. */
export const MAX_EVENT_BODY = 64 * 1024;

/** Reads an urlencoded or multipart event body of at most `limit` bytes. */
export async function readForm(request: Request, limit = MAX_EVENT_BODY): Promise<URLSearchParams | FormData> {
  const declared = Number(request.headers.get("Content-Length") ?? 0);
  if (declared > limit) throw new HttpError(413, `An event body may be at most ${limit} bytes`);
  const body = await readBounded(request, limit);
  const type = request.headers.get("Content-Type") ?? "";
  if (body.byteLength === 0) return new URLSearchParams();
  if (type.startsWith("application/x-www-form-urlencoded")) return new URLSearchParams(new TextDecoder().decode(body));
  if (type.startsWith("multipart/form-data")) {
    try {
      return await new Response(body as Uint8Array<ArrayBuffer>, { headers: { "Content-Type": type } }).formData();
    } catch {
      throw new HttpError(400, "The event body is not valid multipart/form-data");
    }
  }
  throw new HttpError(415, "Events are sent as application/x-www-form-urlencoded or multipart/form-data");
}

async function readBounded(request: Request, limit: number): Promise<Uint8Array> {
  if (!request.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    size += read.value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new HttpError(413, `An event body may be at most ${limit} bytes`);
    }
    chunks.push(read.value);
  }
  return Buffer.concat(chunks);
}
