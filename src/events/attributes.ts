import { ATTRS, EVENTS_FORM_ID, FIELDS, ROOT_ID, ROUTES } from "../protocol";
import { findUploadMarker, uploadSubmitAttributes } from "../upload/zone/signing";
import { renderScopeIfAny } from "../render/context";
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
  renderScopeIfAny()?.checkHandler?.(trigger.handler);
  const upload = findUploadMarker(trigger);
  if (upload) return uploadSubmitAttributes(trigger, upload);
  return {
    ...eventPostAttributes(trigger),
    "hx-vals": JSON.stringify({ [FIELDS.args]: JSON.stringify(trigger.args) }),
    "hx-trigger": domEvent,
  };
}

/**
 * htmx posts `ref` and morphs the answer into the root. Every event of a
 * page waits for the one before it, so a debounced input flushed by a click
 * reaches its handler before the click does.
 */
export function eventPostAttributes(ref: EventRef): Attributes {
  renderScopeIfAny()?.checkHandler?.(ref.handler);
  return {
    "hx-post": eventUrl(ref),
    "hx-target": `#${ROOT_ID}`,
    "hx-swap": "innerMorph",
    "hx-sync": `#${ROOT_ID}:queue all`,
  };
}

export function eventUrl(ref: EventRef): string {
  return `${ROUTES.event}/${ref.handler}`;
}

/**
 * What makes an event button work without JavaScript: it submits the
 * page's events form (which holds the token and the way back) to its
 * handler, its arguments as its own value.
 */
export function nativeButtonAttributes(ref: EventRef): Attributes {
  return {
    type: "submit",
    form: EVENTS_FORM_ID,
    formaction: eventUrl(ref),
    formmethod: "post",
    name: FIELDS.args,
    value: JSON.stringify(ref.args),
  };
}
