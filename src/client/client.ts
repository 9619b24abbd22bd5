// Wires the parts of the browser script together. Every listener sits on the
// document, so elements htmx morphs or replaces keep working.

import { HEADERS } from "../protocol";
import { installActions } from "./actions";
import { installDropzone } from "./dropzone";
import { reportInterrupted } from "./interrupted";
import { installForms } from "./forms";
import { keepClientStateAcrossMorphs } from "./morph";
import { tabId } from "./page";
import { receiveFiles } from "./receive";
import { installSelectedFiles } from "./selected-files";
import { SelectionStore } from "./selection";
import { installTransfers, Transfers } from "./transfer";

/** Starts the script; the returned function removes its listeners (for tests). */
export function startClient(): () => void {
  const controller = new AbortController();
  const { signal } = controller;
  const selection = new SelectionStore();
  const transfers = new Transfers(selection);

  // The server's CSS hides the native file inputs and no-script parts under this class.
  document.documentElement.classList.add("hs-js");
  keepClientStateAcrossMorphs();

  document.addEventListener(
    "htmx:config:request",
    (event) => {
      const tab = tabId();
      if (tab) event.detail.ctx.request.headers[HEADERS.tab] = tab;
    },
    { signal },
  );
  installSelectedFiles(selection, signal);
  installDropzone((zone, files) => receiveFiles(zone, files, selection, transfers), signal);
  installTransfers(transfers, signal);
  installActions(selection, transfers, signal);
  void reportInterrupted();
  installForms(signal);
  return () => controller.abort();
}
