import { hyperstate, type HyperstateOptions, type Page } from "hyperstate";
import { CounterPage, CounterState } from "./counter";
import { IndexPage } from "./index";
import { TodosPage, TodoState } from "./todos";
import { BasicPage, BasicUpload } from "./upload/basic";
import { ChunkedPage, ChunkUploadState } from "./upload/chunked";
import { CustomizedPage, CustomizedUpload } from "./upload/customized";
import { MultiplePage, MultipleUpload } from "./upload/multiple";
import { ProgressPage, ProgressUpload } from "./upload/progress";
import { UnstyledPage, UnstyledUpload } from "./upload/unstyled";
import { VideoPage, VideoUpload } from "./upload/video";
import { withDemoStyle } from "./style";

/** One page per documented example, and an index. */
const PAGES: Record<string, Page> = {
  "/": IndexPage,
  "/counter": CounterPage,
  "/todos": TodosPage,
  "/basic": BasicPage,
  "/multiple": MultiplePage,
  "/video": VideoPage,
  "/customized": CustomizedPage,
  "/unstyled": UnstyledPage,
  "/progress": ProgressPage,
  "/chunked": ChunkedPage,
};

/** The demo app as a plugin, so tests can mount it on a free port. */
export const demo = (options: Partial<HyperstateOptions> = {}) =>
  hyperstate({
    title: "hyperstate demo",
    states: [CounterState, TodoState, BasicUpload, MultipleUpload, VideoUpload, CustomizedUpload, UnstyledUpload, ProgressUpload, ChunkUploadState],
    // Each page with the demo's own stylesheet.
    pages: Object.fromEntries(Object.entries(PAGES).map(([path, page]) => [path, withDemoStyle(page)])),
    ...options,
  });
