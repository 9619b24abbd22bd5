import { ATTRS, FIELDS, ROOT_ID, ROUTES, UPLOAD_PARAMS, type UploadFilesMarker } from "../protocol";
import { currentRenderScope } from "../render/context";
import { sign } from "../state/session";
import { isClientAction, isEventRef, type EventRef, type Trigger } from "./refs";

export type Attributes = Record<string, string>;

/**
 * The HTML attributes that make an element fire `trigger` on `domEvent`:
 * htmx attributes for a handler call, a native form submission for a call
 * that carries files (so it works without JavaScript), or a client action.
 */
export function triggerAttributes(trigger: Trigger, domEvent = "click"): Attributes {
  if (!isEventRef(trigger)) {
    const actions = Array.isArray(trigger) ? trigger : [trigger];
    if (!actions.every(isClientAction)) throw new TypeError("Expected an event reference or client actions");
    return { [ATTRS.action]: JSON.stringify(actions), type: "button" };
  }
  const upload = findUploadMarker(trigger);
  if (upload) return uploadSubmitAttributes(trigger, upload);
  return {
    "hx-post": `${ROUTES.event}/${trigger.handler}`,
    "hx-vals": JSON.stringify({ [FIELDS.args]: JSON.stringify(trigger.args) }),
    "hx-target": `#${ROOT_ID}`,
    "hx-swap": "innerMorph",
    "hx-trigger": domEvent,
  };
}

export function findUploadMarker(ref: EventRef): UploadFilesMarker | undefined {
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
export function uploadAction(ref: EventRef, upload: UploadFilesMarker): string {
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

function uploadSubmitAttributes(ref: EventRef, upload: UploadFilesMarker): Attributes {
  return {
    type: "submit",
    form: uploadFormId(upload.$upload),
    formaction: uploadAction(ref, upload),
    formmethod: "post",
    formenctype: "multipart/form-data",
  };
}
