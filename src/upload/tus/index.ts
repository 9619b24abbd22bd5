export { createTusHandler, type TerminateReason, type TusHandler, type TusHooks, type TusOptions } from "./handler";
export { parseMetadata, serializeMetadata } from "./metadata";
export { CHECKSUM_ALGORITHMS, ERRORS, isUploadId, TUS_EXTENSIONS, TUS_HEADERS, TUS_VERSION, TusError, type TusErrorEntry } from "./protocol";
export type { TusSink } from "./body";
export { TusStore } from "./store";
export type { TusDataStore, TusInfoStore, TusLease, TusLocker, TusStores, TusUploadInfo } from "./stores";
export { DiskDataStore } from "./disk-data-store";
export { DiskInfoStore } from "./disk-info-store";
export { ProcessLocker } from "./process-locker";
