import Html, { type Children } from "@kitajs/html";
import { findUploadMarker, uploadAction, uploadFormId } from "./signing";
import type { EventRef } from "../../events/refs";
import { ATTRS, FIELDS, ROUTES, UPLOAD_PARAMS, type FileRejection, type InterruptedUpload, type UploadConfig } from "../../protocol";
import { currentRenderScope } from "../../render/context";
import { styleString, withoutStyleProps, type StyleProps } from "../../render/style";
import { signUploadConfig } from "./config-token";
import { acceptToInputAttribute } from "../rules/limits";

export interface UploadProps extends Omit<UploadConfig, "id">, StyleProps {
  /** The zone's id: its HTML id, and what `uploadFiles(id)` and `<SelectedFiles id>` name. */
  id: string;
  children?: Children;
  /** Upload as soon as files are dropped or picked: `S.on.handleUpload(uploadFiles(id))`. */
  onDrop?: EventRef;
  /** Receives the refused files: `S.on.handleRejected` (called with `FileRejection[]`). */
  onDropRejected?: (rejections: FileRejection[]) => EventRef;
  /**
   * Receives the uploads a reload or a closed tab stopped half-way, from the
   * session's next page that shows this zone: `S.on.handleInterrupted`
   * (called with `InterruptedUpload[]`), e.g. to clear an "uploading" flag.
   */
  onUploadInterrupted?: (uploads: InterruptedUpload[]) => EventRef;
  /**
   * The zone's accessible name, in place of its text (WCAG 2.5.3: it should
   * contain the words the zone shows). @default the zone's own text
   */
  label?: string;
  class?: string;
}

const REJECTIONS_MARKER = { $rejections: true };
const INTERRUPTED_MARKER = { $interrupted: true };

/**
 * An upload zone: a real `<input type="file">` in a form, which the client
 * script turns into a dropzone. Without JavaScript the form posts natively.
 */
function UploadRoot(props: UploadProps, styled = false): JSX.Element {
  const { id, children, onDrop, onDropRejected, onUploadInterrupted, label, ...rest } = withoutStyleProps(props);
  if (!/^[A-Za-z][\w-]*$/.test(id)) throw new Error(`Upload id ${JSON.stringify(id)} must start with a letter and hold only letters, digits, _ and -`);
  const scope = currentRenderScope();
  const config: UploadConfig = {
    ...scope.zoneDefaults,
    id,
    accept: rest.accept,
    disabled: rest.disabled,
    maxFiles: rest.maxFiles,
    maxSize: rest.maxSize,
    minSize: rest.minSize,
    multiple: rest.multiple ?? (rest.maxFiles === 1 ? false : undefined),
    noClick: rest.noClick,
    noDrag: rest.noDrag,
    noKeyboard: rest.noKeyboard,
    directory: rest.directory,
  };
  const dropMarker = onDrop && findUploadMarker(onDrop);
  if (onDrop && dropMarker?.$upload !== id) throw new Error(`onDrop of upload "${id}" must carry uploadFiles("${id}")`);
  const action = onDrop && dropMarker ? uploadAction(onDrop, dropMarker) : `${ROUTES.upload}?${UPLOAD_PARAMS.id}=${id}`;
  const zone = {
    id,
    class: [styled ? "hs-upload hs-upload-styled" : "hs-upload", rest.class].filter(Boolean).join(" "),
    tabindex: rest.disabled ? "-1" : "0",
    role: "button",
    "aria-label": label,
    "aria-disabled": rest.disabled ? "true" : undefined,
    style: styleString(props),
    [ATTRS.upload]: JSON.stringify(config),
    [ATTRS.onDrop]: onDrop ? JSON.stringify({ handler: onDrop.handler, args: onDrop.args }) : undefined,
    [ATTRS.onDropRejected]: onDropRejected ? JSON.stringify(markedSpec(onDropRejected, REJECTIONS_MARKER)) : undefined,
    [ATTRS.onUploadInterrupted]: onUploadInterrupted ? JSON.stringify(markedSpec(onUploadInterrupted, INTERRUPTED_MARKER)) : undefined,
  };
  const input = {
    type: "file",
    name: FIELDS.files,
    id: `${id}-input`,
    class: "hs-upload-input",
    accept: acceptToInputAttribute(rest.accept),
    multiple: config.multiple !== false,
    // Chromium, Firefox and Safari all read the prefixed name; `directory` is the proposed standard one.
    webkitdirectory: rest.directory,
    directory: rest.directory,
    disabled: rest.disabled,
    // Without JavaScript this input is the control a person uses.
    "aria-label": label ?? "Upload files",
  };
  return (
    <form id={uploadFormId(id)} class="hs-upload-form" method="post" enctype="multipart/form-data" action={action} {...{ [ATTRS.uploadForm]: id }}>
      {/* Hidden fields come first: the server reads them before the first file. */}
      <input type="hidden" name={FIELDS.csrf} value={scope.csrfToken} />
      <input type="hidden" name={FIELDS.returnTo} value={scope.url.pathname + scope.url.search} />
      <input type="hidden" name={FIELDS.config} value={signUploadConfig(scope.signingKey, config)} />
      {Html.createElement(
        "div",
        zone,
        children ?? (styled ? <p class="hs-upload-hint">Drag and drop files here or click to select files</p> : ""),
        Html.createElement("input", input),
      )}
      {/* After the zone, not in it: the zone may be the author's flex or grid container. */}
      <div class="hs-upload-message" role="alert" aria-live="polite" {...{ [ATTRS.uploadMessage]: id }}></div>
      {onDrop ? (
        <button type="submit" class="hs-button" {...{ [ATTRS.noScript]: "" }}>
          Upload
        </button>
      ) : (
        ""
      )}
    </form>
  );
}

/** The handler's call with a marker where the client puts what it found (refusals, interrupted uploads). */
function markedSpec<T>(makeRef: (found: T) => EventRef, marker: object) {
  const ref = makeRef(marker as T);
  return { handler: ref.handler, args: ref.args };
}

/** The styled upload zone (`rx.upload`). */
export function Upload(props: UploadProps): JSX.Element {
  return UploadRoot(props, true);
}

/** The unstyled upload zone (`rx.upload.root`): style it yourself. */
Upload.Root = (props: UploadProps): JSX.Element => UploadRoot(props, false);

export interface SelectedFilesProps extends StyleProps {
  /** The upload zone whose selection to list. */
  id: string;
  /** Show a preview of each image. */
  thumbnails?: boolean;
  class?: string;
}

/**
 * The files picked in zone `id`, with a remove button each. The client
 * script fills it; the server renders it empty and morphs leave it alone.
 */
export function SelectedFiles(props: SelectedFilesProps): JSX.Element {
  const { id, thumbnails, class: className, ...rest } = withoutStyleProps(props);
  return Html.createElement("ul", {
    ...rest,
    class: ["hs-selected-files", className].filter(Boolean).join(" "),
    style: styleString(props),
    "aria-label": "Selected files",
    "aria-live": "polite",
    "hx-morph-skip-children": "",
    [ATTRS.selectedFiles]: id,
    [ATTRS.thumbnails]: thumbnails ? "" : undefined,
  });
}

export interface UploadErrorsProps extends StyleProps {
  /** The upload zone whose messages (refused files, failed uploads) show here. */
  id: string;
  class?: string;
}

/**
 * Where zone `id`'s messages show, placed anywhere on the page; without one
 * they show right after the zone, outside the author's own markup. The
 * client script fills it; morphs leave it alone.
 */
export function UploadErrors(props: UploadErrorsProps): JSX.Element {
  const { id, class: className, ...rest } = withoutStyleProps(props);
  return Html.createElement("div", {
    ...rest,
    class: ["hs-upload-message", className].filter(Boolean).join(" "),
    style: styleString(props),
    role: "alert",
    "aria-live": "polite",
    [ATTRS.uploadMessage]: id,
    [ATTRS.uploadErrors]: "",
  });
}
