// What happens to picked or dropped files: checked against the zone's limits,
// the accepted ones selected, the refused ones reported, and with onDrop
// uploaded at once.
//
// The count rule is react-dropzone's: a drop or pick that would take the
// selection past maxFiles (past one file without `multiple`) is refused whole,
// every file of it with too-many-files. The server refuses such a request
// whole too (422), with JavaScript or without, over multipart or tus.

import { checkFiles, type Rejection } from "../upload/rules/limits";
import { ATTRS, type EventSpec, type FileRejection, type UploadConfig } from "../protocol";
import { postEvent, replaceMarkers } from "./events";
import { takeInterrupted } from "./interrupted";
import { csrfToken, readJson, showMessage, uploadForm } from "./page";
import { newFiles, type SelectionStore } from "./selection";
import type { Transfers } from "./transfer";

export function receiveFiles(zone: Element, files: File[], selection: SelectionStore, transfers: Transfers): void {
  const config = readJson<UploadConfig>(zone, ATTRS.upload);
  if (!config || config.disabled) return;
  // With `multiple` (the default) a pick adds to the selection; without, it replaces it.
  const current = config.multiple !== false ? selection.get(config.id) : [];
  const { accepted, rejected } = checkFiles(newFiles(current, files), config, current.length);
  if (accepted.length > 0) {
    selection.set(config.id, [...current, ...accepted]);
    showMessage(config.id);
  }
  // The files of an upload a reload interrupted go on at once, to the same handler.
  const resumeUrl = accepted.length > 0 ? takeInterrupted(config.id, selection.get(config.id)) : undefined;
  if (resumeUrl || (accepted.length > 0 && zone.hasAttribute(ATTRS.onDrop))) {
    // The form's action already names the onDrop handler and its arguments.
    const form = uploadForm(config.id);
    if (form) transfers.upload(config.id, resumeUrl ?? form.action, form);
  }
  // After the upload starts, which clears the message area: the refusals must stay readable.
  if (rejected.length > 0) reportRejections(zone, config.id, rejected);
}

/** Sends refusals to the zone's onDropRejected handler, or says them in its message area. */
function reportRejections(zone: Element, id: string, rejected: Rejection<File>[]): void {
  const spec = readJson<EventSpec>(zone, ATTRS.onDropRejected);
  if (spec) {
    // A File turns into {} in JSON: send what the handler can read.
    const rejections: FileRejection[] = rejected.map(({ file: { name, size, type }, errors }) => ({
      file: { name, size, type },
      errors,
    }));
    const args = replaceMarkers(spec.args, "$rejections", rejections) as unknown[];
    void postEvent(spec, args, csrfToken(zone.closest("form")));
    return;
  }
  showMessage(id, ...rejected.map(({ file, errors }) => `${file.name}: ${errors.map((e) => e.message).join("; ")}`));
}
