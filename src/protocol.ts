// The one module the browser script and the server share: names on the wire
// and in the DOM, and the codes both sides use for refused files. Constants
// and types only; nothing here may import from the server side.

// ---------------------------------------------------------------- routes

export const ROUTES = {
  event: "/_event", // POST /_event/<State.handler>
  stream: "/_stream", // GET /_stream?tab=<tab id> (text/event-stream)
  upload: "/_upload", // POST /_upload?id=..., GET /_upload/<path>
  uploadCancel: "/_upload/_cancel", // POST ?id=<upload id>
  tus: "/_tus",
  client: "/_hyperstate", // static assets: client script, htmx
} as const;

/** The framework's files under ROUTES.client. */
export const ASSETS = {
  htmx: "htmx.js",
  client: "hyperstate.js",
  css: "hyperstate.css",
  /** The module worker that hashes tus chunks. */
  hashWorker: "hash-worker.js",
} as const;

// ---------------------------------------------------------------- headers

export const HEADERS = {
  /** The tab that sent a request, so the server can push to the other tabs. */
  tab: "HS-Tab",
  /** Set by htmx and the client script: the request wants a fragment, not a redirect. */
  script: "HX-Request",
  /** Client actions a response asks the browser to run (JSON, ASCII-only). */
  trigger: "HX-Trigger",
  redirect: "HX-Redirect",
} as const;

/** Form field names the server reads from events and native form posts. */
export const FIELDS = {
  args: "hs-args",
  csrf: "hs-csrf",
  returnTo: "hs-return",
  /** An upload form's signed limits. */
  config: "hs-upload",
  files: "files",
  /** Repeated: the names of a form's checkboxes, so an unchecked one arrives as `false`. */
  checkbox: "hs-checkbox",
} as const;

/** Query parameters of POST /_upload. */
export const UPLOAD_PARAMS = {
  id: "id",
  handler: "handler",
  args: "args",
  progress: "progress",
  tab: "tab",
  /** Signs id, handler, args and progress together. */
  signature: "sig",
} as const;

// ---------------------------------------------------------------- DOM

export const ROOT_ID = "hs-root";

/** The form that event buttons submit without JavaScript (it holds the page's token). */
export const EVENTS_FORM_ID = "hs-events";

/** Fired on an input whose debounce has run out, or when a click or submit flushes it. */
export const FLUSH_EVENT = "hs:flush";

export const ATTRS = {
  tab: "data-hs-tab",
  /** On an upload zone: JSON UploadConfig. */
  upload: "data-hs-upload",
  /** On a <SelectedFiles>: the upload id it lists. */
  selectedFiles: "data-hs-selected-files",
  thumbnails: "data-hs-thumbnails",
  /** On any element: JSON ClientAction[] run on click. */
  action: "data-hs-action",
  /** On an upload zone: JSON EventSpec to run when files are dropped or picked. */
  onDrop: "data-hs-on-drop",
  onDropRejected: "data-hs-on-drop-rejected",
  /** On an upload zone: JSON EventSpec to run when a page finds its upload stopped by a reload. */
  onUploadInterrupted: "data-hs-on-upload-interrupted",
  /** On an upload zone while files are dragged over it. */
  dragActive: "data-hs-drag-active",
  /** On an upload's message area: where refusals are shown without a handler. */
  uploadMessage: "data-hs-upload-message",
  /** On a message area the author placed (UploadErrors): the zone's messages go there, not after the zone. */
  uploadErrors: "data-hs-upload-errors",
  /** On an upload form: the upload id. */
  uploadForm: "data-hs-upload-form",
  /** On an input: milliseconds to wait after the last keystroke before its event is sent. */
  debounce: "data-hs-debounce",
  /** Shown only when scripts are off (the client script hides it). */
  noScript: "data-hs-noscript",
} as const;

/** The DOM event the client script listens for; its detail is ClientAction[]. */
export const ACTIONS_EVENT = "hs:actions";

// ---------------------------------------------------------------- types

/** The limits and behaviour of one upload zone, as the browser sees them. */
export interface UploadConfig {
  id: string;
  /** MIME type (or `image/*`) to extensions, as in react-dropzone. */
  accept?: Record<string, string[]>;
  disabled?: boolean;
  maxFiles?: number;
  maxSize?: number;
  minSize?: number;
  multiple?: boolean;
  noClick?: boolean;
  noDrag?: boolean;
  noKeyboard?: boolean;
  /** The picker chooses a folder, and every file in it is taken with its path in the folder. */
  directory?: boolean;
  /** Files at least this big travel over tus, resumable (set by the server). */
  resumableAbove?: number;
  /** The most bytes per tus PATCH (set by the server); unset: a file in one PATCH. */
  chunkSize?: number;
  /** Each tus PATCH carries the SHA-256 of its bytes (set by the server). */
  checksum?: boolean;
}

export const REJECTION_CODES = {
  invalidType: "file-invalid-type",
  tooLarge: "file-too-large",
  tooSmall: "file-too-small",
  tooMany: "too-many-files",
} as const;

export type RejectionCode = (typeof REJECTION_CODES)[keyof typeof REJECTION_CODES];

export interface FileRejection {
  file: { name: string; size: number; type: string };
  errors: { code: RejectionCode; message: string }[];
}

/** An upload that stopped because its page went away (reloaded, closed), as the next page of the session found it. */
export interface InterruptedUpload {
  name: string;
  size: number;
  /** Whether the server kept its bytes (tus), so picking the file again goes on from there. */
  resumable: boolean;
}

/**
 * Upload-Metadata keys of a tus upload made for a handler. A client that
 * knows nothing of hyperstate sets these (and the session cookie) itself.
 */
export const TUS_METADATA = {
  /** The file's name and type, as tus-js-client names them. */
  filename: "filename",
  filetype: "filetype",
  /** `State.handler` to receive the files (UploadFile[] or an UploadChunkIterator). */
  handler: "handler",
  /** The upload zone id. */
  upload: "upload",
  /** The zone's signed limits (the hs-upload field of its form). */
  config: "config",
  /** The handler's arguments, JSON, with the {"$upload": id} marker. */
  args: "args",
  /** Files uploaded together share a batch id and know the batch size. */
  batch: "batch",
  batchSize: "batchSize",
  /** `State.handler` that receives progress. */
  progress: "progress",
  /** The `sig` of the upload button's formaction: binds handler, args and progress to the zone. */
  signature: "signature",
  /** A file's path inside a picked or dropped folder, as Uppy names it. */
  relativePath: "relativePath",
} as const;

/** A handler call as rendered into the page: `args` may hold upload markers. */
export interface EventSpec {
  handler: string;
  args: unknown[];
}

/** Stands in an event's arguments for the files of an upload zone. */
export interface UploadFilesMarker {
  $upload: string;
  chunked?: boolean;
  progress?: string;
}

/** Stands in an event's arguments for the fields of the form it submits. */
export interface FieldsMarker {
  $fields: true;
}

/** Stands in an event's arguments for one field's value: its text, or whether a checkbox is checked. */
export interface ValueMarker {
  $value: string;
  checked?: true;
}

export type ClientAction =
  | { type: "redirect"; url: string }
  | { type: "clearSelectedFiles"; id: string }
  | { type: "cancelUpload"; id: string };

export interface UploadProgress {
  loaded: number;
  total: number;
  progress: number;
}
