// Renders each upload's selection into its <SelectedFiles> lists: name, size,
// a remove button, and with data-hs-thumbnails a preview of images.

import { formatBytes } from "../upload/rules/limits";
import { ATTRS } from "../protocol";
import { elementsWith } from "./page";
import type { SelectionStore } from "./selection";
import { relativePathOf } from "./folders";

const REMOVE_ATTR = "data-hs-remove-file";

/** What each list shows now, so a swap that added a list can be caught up cheaply. */
const rendered = new WeakMap<Element, readonly File[]>();
/** Preview URLs hold the file in memory until revoked. */
const previewUrls = new Map<File, string>();

export function installSelectedFiles(selection: SelectionStore, signal: AbortSignal): void {
  selection.subscribe((id, files, previous) => {
    for (const file of previous) {
      if (!files.includes(file)) revokePreview(file);
    }
    for (const list of elementsWith(ATTRS.selectedFiles, id)) renderList(list, files);
  });

  document.addEventListener(
    "click",
    (event) => {
      const button = (event.target as Element).closest?.(`[${REMOVE_ATTR}]`);
      const list = button?.closest(`[${ATTRS.selectedFiles}]`);
      if (!button || !list) return;
      selection.remove(list.getAttribute(ATTRS.selectedFiles)!, Number(button.getAttribute(REMOVE_ATTR)));
    },
    { signal },
  );

  // A swap may bring in a list that has not shown the selection yet.
  document.addEventListener("htmx:after:swap", () => renderStaleLists(selection), { signal });
  renderStaleLists(selection);
}

function renderStaleLists(selection: SelectionStore): void {
  for (const list of document.querySelectorAll(`[${ATTRS.selectedFiles}]`)) {
    const files = selection.get(list.getAttribute(ATTRS.selectedFiles)!);
    const shown = rendered.get(list) ?? [];
    if (shown !== files && (shown.length > 0 || files.length > 0)) renderList(list, files);
  }
}

function renderList(list: Element, files: readonly File[]): void {
  const thumbnails = list.hasAttribute(ATTRS.thumbnails);
  list.replaceChildren(...files.map((file, index) => fileItem(file, index, thumbnails)));
  rendered.set(list, files);
}

function fileItem(file: File, index: number, thumbnails: boolean): HTMLLIElement {
  const item = document.createElement("li");
  item.className = "hs-selected-file";
  if (thumbnails && file.type.startsWith("image/")) {
    const image = document.createElement("img");
    image.className = "hs-selected-file-thumbnail";
    image.src = previewUrl(file);
    image.alt = ""; // the name next to it says what it is
    item.append(image);
  }
  const name = document.createElement("span");
  name.className = "hs-selected-file-name";
  name.textContent = relativePathOf(file);
  const size = document.createElement("span");
  size.className = "hs-selected-file-size";
  size.textContent = formatBytes(file.size);
  const remove = document.createElement("button");
  remove.type = "button";
  remove.className = "hs-selected-file-remove";
  remove.setAttribute(REMOVE_ATTR, String(index));
  remove.setAttribute("aria-label", `Remove ${relativePathOf(file)}`);
  remove.textContent = "×";
  item.append(name, " ", size, " ", remove);
  return item;
}

function previewUrl(file: File): string {
  let url = previewUrls.get(file);
  if (!url) {
    url = URL.createObjectURL(file);
    previewUrls.set(file, url);
  }
  return url;
}

function revokePreview(file: File): void {
  const url = previewUrls.get(file);
  if (url) URL.revokeObjectURL(url);
  previewUrls.delete(file);
}
