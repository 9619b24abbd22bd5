// Where an upload posts and what its signature covers: the zone's handler,
// arguments and progress handler ride in the query, signed with the session's
// key, so files refused by a strict zone cannot reach its handler through a
// looser one (zone/action.ts verifies them).

import { ROUTES, UPLOAD_PARAMS, type EventSpec, type UploadFilesMarker } from "../../protocol";
import { currentRenderScope } from "../../render/context";
import { sign } from "../../state/session";

export function findUploadMarker(ref: EventSpec): UploadFilesMarker | undefined {
  return ref.args.find(isUploadMarker);
}

function isUploadMarker(value: unknown): value is UploadFilesMarker {
  return typeof value === "object" && value !== null && typeof (value as UploadFilesMarker).$upload === "string";
}

/** The id of the <form> an upload zone renders. */
export function uploadFormId(uploadId: string): string {
  return `hs-form-${uploadId}`;
}

/**
 * Where an upload for `ref` posts: the handler, its arguments and the
 * progress handler ride in the query, signed, so files refused by a strict
 * zone cannot reach its handler through a looser zone.
 */
export function uploadAction(ref: EventSpec, upload: UploadFilesMarker): string {
  const action = { id: upload.$upload, handler: ref.handler, args: JSON.stringify(ref.args), progress: upload.progress ?? "" };
  const query = new URLSearchParams({
    [UPLOAD_PARAMS.id]: action.id,
    [UPLOAD_PARAMS.handler]: action.handler,
    [UPLOAD_PARAMS.args]: action.args,
  });
  if (action.progress) query.set(UPLOAD_PARAMS.progress, action.progress);
  query.set(UPLOAD_PARAMS.signature, sign(currentRenderScope().signingKey, uploadActionText(action)));
  return `${ROUTES.upload}?${query}`;
}

/** What an upload's signature covers. */
export function uploadActionText(action: { id: string; handler: string; args: string; progress: string }): string {
  return ["upload-action", action.id, action.handler, action.args, action.progress].join("\n");
}

/** The attributes of a button that posts an upload: a native form submission, so it works without JavaScript. */
export function uploadSubmitAttributes(ref: EventSpec, upload: UploadFilesMarker): Record<string, string> {
  return {
    type: "submit",
    form: uploadFormId(upload.$upload),
    formaction: uploadAction(ref, upload),
    formmethod: "post",
    formenctype: "multipart/form-data",
  };
}
