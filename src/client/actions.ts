// Client actions: from data-hs-action on click, and from the hs:actions event
// (an HX-Trigger header on htmx requests, or a named SSE event).

import { ACTIONS_EVENT, ATTRS, type ClientAction } from "../protocol";
import { readJson } from "./page";
import type { SelectionStore } from "./selection";
import type { Transfers } from "./transfer";

export function runActions(actions: ClientAction[], selection: SelectionStore, transfers: Transfers): void {
  for (const action of actions) {
    if (action.type === "redirect") location.assign(action.url);
    else if (action.type === "clearSelectedFiles") selection.clear(action.id);
    else if (action.type === "cancelUpload") transfers.cancel(action.id);
  }
}

/**
 * The actions an hs:actions event carries. From HX-Trigger, htmx passes the
 * array itself as detail; from SSE, detail.data is the event's JSON text.
 */
export function actionsFromDetail(detail: unknown): ClientAction[] {
  if (Array.isArray(detail)) return detail;
  const data = (detail as { data?: unknown } | null)?.data;
  if (typeof data !== "string") return [];
  try {
    const parsed: unknown = JSON.parse(data);
    return Array.isArray(parsed) ? parsed : [];
  } catch {
    console.error(`hyperstate: ${ACTIONS_EVENT} data is not valid JSON`, data);
    return [];
  }
}

export function installActions(selection: SelectionStore, transfers: Transfers, signal: AbortSignal): void {
  document.addEventListener(
    "click",
    (event) => {
      const element = (event.target as Element).closest?.(`[${ATTRS.action}]`);
      const actions = element && readJson<ClientAction[]>(element, ATTRS.action);
      if (actions) runActions(actions, selection, transfers);
    },
    { signal },
  );
  document.addEventListener(
    ACTIONS_EVENT,
    (event) => runActions(actionsFromDetail((event as CustomEvent).detail), selection, transfers),
    { signal },
  );
}
