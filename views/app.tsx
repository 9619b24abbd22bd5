import { hyperstate, type HyperstateOptions, type Page } from "hyperstate";
import { CounterPage, CounterState } from "./counter";
import { IndexPage } from "./index";
import { TodosPage, TodoState } from "./todos";
import { BasicPage, BasicUpload } from "./upload/basic";
import { ChunkedPage, ChunkUploadState } from "./upload/chunked";
import { CustomizedPage, CustomizedUpload } from "./upload/customized";
import { FolderPage, FolderUpload } from "./upload/folder";
import { MultiplePage, MultipleUpload } from "./upload/multiple";
import { ProgressPage, ProgressUpload } from "./upload/progress";
import { UnstyledPage, UnstyledUpload } from "./upload/unstyled";
import { VideoPage, VideoUpload } from "./upload/video";
import { withDemoStyle } from "./style";

/** One page per documented example, and an index, each with its own title. */
const PAGES: Record<string, { page: Page; title: string }> = {
  "/": { page: IndexPage, title: "hyperstate demos" },
  "/counter": { page: CounterPage, title: "Counter · hyperstate" },
  "/todos": { page: TodosPage, title: "Todos · hyperstate" },
  "/basic": { page: BasicPage, title: "Basic upload · hyperstate" },
  "/multiple": { page: MultiplePage, title: "Multiple files · hyperstate" },
  "/video": { page: VideoPage, title: "Video upload · hyperstate" },
  "/customized": { page: CustomizedPage, title: "Customized upload · hyperstate" },
  "/unstyled": { page: UnstyledPage, title: "Unstyled upload · hyperstate" },
  "/progress": { page: ProgressPage, title: "Upload progress · hyperstate" },
  "/chunked": { page: ChunkedPage, title: "Chunked upload · hyperstate" },
  "/folder": { page: FolderPage, title: "Folder upload · hyperstate" },
};

/** The demo app as a plugin, so tests can mount it on a free port. */
export const demo = (options: Partial<HyperstateOptions> = {}) =>
  hyperstate({
    title: "hyperstate demo",
    states: [CounterState, TodoState, BasicUpload, MultipleUpload, VideoUpload, CustomizedUpload, UnstyledUpload, ProgressUpload, ChunkUploadState, FolderUpload],
    // Each page with the demo's own stylesheet.
    pages: Object.fromEntries(Object.entries(PAGES).map(([path, { page, title }]) => [path, { page: withDemoStyle(page), title }])),
    ...options,
  });
