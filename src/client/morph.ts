// What the script shows inside the root must outlive the server's renders,
// which are morphed into the page and would otherwise wipe it.

import { ATTRS } from "../protocol";
import { htmxApi } from "./htmx";

/** Attributes only the script sets; the server never renders them. */
const CLIENT_ATTRS = [ATTRS.dragActive, "aria-busy"];

export function keepClientStateAcrossMorphs(): void {
  htmxApi().registerExtension("hyperstate", {
    // Message areas are written by the script alone (refusals, upload failures).
    htmx_before_morph_node: (element: Element) => !element.matches?.(`[${ATTRS.uploadMessage}]`),
    htmx_before_morph_attr: (element: Element, detail: { attrName: string }) =>
      !(CLIENT_ATTRS.includes(detail.attrName) && element.hasAttribute(ATTRS.upload)),
  });
}
