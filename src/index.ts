// The public surface of hyperstate: re-exports only.
export { hyperstate, type HyperstateOptions } from "./app";
export { State, background, type StateClass, type HandlerResult } from "./state/state";
export { MemoryStore, type SessionStore, type MemoryStoreOptions } from "./state/store";
export type { SessionData, StateData } from "./state/registry";
export { MemoryChangeBus, type ChangeBus, type SessionChange } from "./stream/pubsub";
export { events, redirect, clearSelectedFiles, cancelUpload, type EventRef, type EventRefs, type Trigger } from "./events/refs";
export type { Page, PageContext } from "./render/context";
export { VStack, HStack, Center, Box, Grid, Text, Button, Image, Video, Progress, Icon } from "./render/components";
export type { StyleProps } from "./render/style";
export type { ClientAction, FileRejection, RejectionCode, UploadProgress } from "./protocol";
export { Upload, SelectedFiles, type UploadProps, type SelectedFilesProps } from "./upload/zone/component";
export { uploadFiles, uploadFilesChunk, type UploadFilesOptions } from "./upload/zone/refs";
export { UploadChunkIterator, UploadCancelledError, type UploadChunk } from "./upload/intake/chunks";
export { UploadFile } from "./upload/intake/upload-file";
export { getUploadDir, getUploadUrl } from "./upload/storage/paths";
export type { UploadOptions } from "./upload/multipart/receive";
