import { AsyncLocalStorage } from "node:async_hooks";

/** The page an event was sent from. */
export interface EventPage {
  url: URL;
  /** The page path's parameters: `{ id: "7" }` for "/items/:id" at /items/7. */
  params: Record<string, string>;
}

const pages = new AsyncLocalStorage<EventPage>();

export function withEventPage<T>(page: EventPage, run: () => T): T {
  return pages.run(page, run);
}

/**
 * Inside a handler: the page its event came from (htmx sends the page's
 * URL; a form posted without JavaScript, the path it returns to).
 *
 * ```ts
 * async rename(fields: { name: string }) {
 *   const id = Number(eventPage().params.id);
 * }
 * ```
 */
export function eventPage(): EventPage {
  const page = pages.getStore();
  if (!page) throw new Error("eventPage() works only inside a handler that an event from a page started");
  return page;
}
