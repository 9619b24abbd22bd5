export { createTusHandler, type TerminateReason, type TusHandler, type TusHooks, type TusOptions } from "./handler";
export { parseMetadata, serializeMetadata } from "./metadata";
export { CHECKSUM_ALGORITHMS, ERRORS, TUS_EXTENSIONS, TUS_HEADERS, TUS_VERSION, TusError, type TusErrorEntry } from "./protocol";
export { TusStore, type TusSink, type TusUploadInfo } from "./store";
