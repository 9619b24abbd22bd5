// The framework's own refusals in one table, as tus/protocol.ts keeps the
// tus ones: each makes the HttpError a route throws and the edge answers
// with. Statuses follow one rule (the README's table): 400 malformed, 403
// another site or a stale form, 404 absent, 413 too large, 415 a type
// refused, 422 other limits, 503 a backend away.

import { HttpError } from "./errors";
import { FIELDS } from "./protocol";

const refusal = (status: number, message: string) => new HttpError(status, message);

export const REFUSE = {
  // ------------------------------------------------------------ any state-changing request
  crossSite: () => refusal(403, "Refused: this request came from another site"),
  foreignOrigin: (origin: string) => refusal(403, `Refused: requests from ${origin} may not change this site's state`),
  staleForm: () => refusal(403, "This form has expired or did not come from this site: reload the page and try again"),

  // ------------------------------------------------------------ handlers and their arguments
  argsNotArray: () => refusal(400, `${FIELDS.args} must be a JSON array`),
  argsNotJson: () => refusal(400, `${FIELDS.args} is not valid JSON`),
  noHandler: (name: string, why = "") => refusal(404, `No handler named ${name}${why ? `. ${why}` : ""}`),

  // ------------------------------------------------------------ pages and streams
  noPage: (path: string) => refusal(404, `No page at ${path}`),
  noCurrentUrl: () => refusal(400, "Missing HX-Current-URL: events are sent by the page that shows them"),
  badCurrentUrl: () => refusal(400, "HX-Current-URL is not a URL"),
  streamWithoutTab: () => refusal(400, "The stream needs the tab id the page was rendered with"),
  streamOfNoPage: () => refusal(404, "The stream's page is not a page of this app"),

  // ------------------------------------------------------------ uploads
  uploadWithoutZone: () => refusal(400, "This upload names no upload zone (id)"),
  uploadWithoutHandler: (uploadId: string) =>
    refusal(400, `Upload "${uploadId}" has no handler: give a button onClick={S.on.handler(uploadFiles("${uploadId}"))} or the zone an onDrop`),
  uploadNotInArgs: (uploadId: string) => refusal(400, `The handler's arguments do not carry uploadFiles("${uploadId}")`),
  uploadActionAltered: () =>
    refusal(400, "This upload's handler or arguments are not the ones the page was rendered with: reload the page and try again"),
  uploadLimitsAltered: () => refusal(400, "The upload form's limits are missing or were altered: reload the page and try again"),
  chunkHandlerNotBackground: (handler: string) => refusal(422, `${handler} must be marked @background to read an UploadChunkIterator`),
  cancelWithoutId: () => refusal(400, "Which upload? The cancel request names no id"),
  uploadWithoutBody: () => refusal(400, "The upload has no body"),
  clientGone: () => refusal(400, "The client went away before the upload finished"),
  noFileChosen: () => refusal(422, "No file was chosen"),
  requestTooLarge: (max: number) => refusal(413, `The upload is larger than the server accepts (${max} bytes)`),
  formTooLarge: (count: number, maxSize: number) => refusal(413, `The upload is larger than this form accepts (${count} × ${maxSize} bytes)`),
} as const;
