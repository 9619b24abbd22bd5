// Calling a server handler from the script, as htmx would from an attribute:
// POST /_event/<handler> with hs-args and hs-csrf, the answer morphed into the root.

import { FIELDS, ROOT_ID, ROUTES, type EventSpec } from "../protocol";
import { htmxApi } from "./htmx";

export function postEvent(spec: EventSpec, args: unknown[], csrf: string): Promise<void> {
  return htmxApi().ajax("POST", `${ROUTES.event}/${spec.handler}`, {
    target: `#${ROOT_ID}`,
    swap: "innerMorph",
    values: { [FIELDS.args]: JSON.stringify(args), [FIELDS.csrf]: csrf },
  });
}

/** Copies `value`, putting `replacement` wherever a marker object `{[key]: ...}` stands. */
export function replaceMarkers(value: unknown, key: string, replacement: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => replaceMarkers(item, key, replacement));
  if (value === null || typeof value !== "object") return value;
  if (key in value) return replacement;
  return Object.fromEntries(
    Object.entries(value).map(([name, item]) => [name, replaceMarkers(item, key, replacement)]),
  );
}
