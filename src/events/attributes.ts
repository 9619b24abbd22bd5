import { ATTRS, FIELDS, ROOT_ID, ROUTES } from "../protocol";
import { findUploadMarker, uploadSubmitAttributes } from "../upload/zone/signing";
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
