// The upload zone as react-dropzone behaves: click or Enter/Space opens the
// picker, files dragged over it mark it active, dropped or picked files go
// to `receive`; so do files pasted (Ctrl/Cmd+V) while the zone has focus, or
// anywhere on a page with one zone. Listeners sit on the document so morphed
// zones keep working.

import { ATTRS, type UploadConfig } from "../protocol";
import { readJson } from "./page";
import { filesOfDrop } from "./folders";

export type ReceiveFiles = (zone: Element, files: File[]) => void;

/** Clicks on these inside a zone do their own thing rather than open the picker. */
const OWN_CLICK = `input, label, a[href], [type="submit"], [${ATTRS.selectedFiles}], [${ATTRS.action}]`;

/** dragenter/dragleave fire for every child crossed; the zone stays active until the count is back to 0. */
const dragDepth = new WeakMap<Element, number>();

export function installDropzone(receive: ReceiveFiles, signal: AbortSignal): void {
  const on = <K extends keyof DocumentEventMap>(type: K, listener: (event: DocumentEventMap[K]) => void) =>
    document.addEventListener(type, listener, { signal });

  on("click", (event) => {
    const zone = zoneOf(event);
    if (!zone) return;
    const inner = (event.target as Element).closest(OWN_CLICK);
    if (inner && zone.contains(inner)) return;
    const config = configOf(zone);
    if (!config.noClick && !config.disabled) openPicker(zone);
  });

  on("keydown", (event) => {
    const zone = event.target as Element;
    if (!zone.hasAttribute?.(ATTRS.upload) || (event.key !== "Enter" && event.key !== " ")) return;
    const config = configOf(zone);
    if (config.noKeyboard || config.disabled) return;
    event.preventDefault(); // Space would scroll the page
    openPicker(zone);
  });

  on("change", (event) => {
    const input = event.target as HTMLInputElement;
    const zone = zoneOf(event);
    if (!zone || input.type !== "file") return;
    const files = [...(input.files ?? [])];
    input.value = ""; // so picking the same file again fires change
    receive(zone, files);
  });

  on("dragenter", (event) => {
    const zone = zoneOf(event);
    if (!zone || !carriesFiles(event)) return;
    event.preventDefault();
    dragDepth.set(zone, (dragDepth.get(zone) ?? 0) + 1);
    if (acceptsDrops(zone)) zone.setAttribute(ATTRS.dragActive, "");
  });

  on("dragover", (event) => {
    const zone = zoneOf(event);
    if (!carriesFiles(event) || (!zone && isFileInput(event.target))) return;
    // Without this the browser opens the file in place of the page, zone or not.
    event.preventDefault();
    const accepts = zone !== null && acceptsDrops(zone);
    event.dataTransfer!.dropEffect = accepts ? "copy" : "none";
    if (accepts) zone.setAttribute(ATTRS.dragActive, "");
  });

  on("dragleave", (event) => {
    const zone = zoneOf(event);
    if (!zone) return;
    const depth = (dragDepth.get(zone) ?? 1) - 1;
    dragDepth.set(zone, depth);
    if (depth <= 0) endDrag(zone);
  });

  on("paste", (event) => {
    const files = [...(event.clipboardData?.files ?? [])];
    const zone = files.length > 0 ? pasteTarget(event) : null;
    if (!zone || configOf(zone).disabled) return;
    event.preventDefault(); // the browser would paste the file's name or nothing
    receive(zone, files);
  });

  on("drop", (event) => {
    const zone = zoneOf(event);
    if (!carriesFiles(event) || (!zone && isFileInput(event.target))) return;
    event.preventDefault();
    if (!zone) return;
    endDrag(zone);
    if (!acceptsDrops(zone)) return;
    const files = filesOfDrop(event.dataTransfer);
    if (Array.isArray(files)) receive(zone, files);
    else void files.then((walked) => receive(zone, walked));
  });
}

function zoneOf(event: Event): HTMLElement | null {
  return (event.target as Element).closest?.<HTMLElement>(`[${ATTRS.upload}]`) ?? null;
}

/** The zone that has focus, or the page's only zone unless the paste goes to a field of the page. */
function pasteTarget(event: ClipboardEvent): HTMLElement | null {
  const zone = zoneOf(event);
  if (zone) return zone;
  const target = event.target as HTMLElement;
  if (target.isContentEditable || target.closest?.("input, textarea, select")) return null;
  const zones = document.querySelectorAll<HTMLElement>(`[${ATTRS.upload}]`);
  return zones.length === 1 ? zones[0]! : null;
}

function configOf(zone: Element): UploadConfig {
  return readJson<UploadConfig>(zone, ATTRS.upload) ?? { id: zone.id, disabled: true };
}

function acceptsDrops(zone: Element): boolean {
  const config = configOf(zone);
  return !config.noDrag && !config.disabled;
}

function openPicker(zone: Element): void {
  zone.querySelector<HTMLInputElement>('input[type="file"]')?.click();
}

function endDrag(zone: Element): void {
  dragDepth.delete(zone);
  zone.removeAttribute(ATTRS.dragActive);
}

/** Only drags of files concern a dropzone, not of text or links. */
function carriesFiles(event: DragEvent): boolean {
  return [...(event.dataTransfer?.types ?? [])].includes("Files");
}

function isFileInput(target: EventTarget | null): boolean {
  return target instanceof HTMLInputElement && target.type === "file";
}
