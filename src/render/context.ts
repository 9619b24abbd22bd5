import { AsyncLocalStorage } from "node:async_hooks";
import type { UploadConfig } from "../protocol";
import type { State, StateClass } from "../state/state";

/** What a page function is given. */
export interface PageContext {
  /** The session's instance of a state class (a copy: change state in handlers). */
  use<T extends State>(stateClass: StateClass<T>): T;
  /** The page's own URL (for an event or stream request: the page it came from). */
  url: URL;
  /** The values of the page path's parameters: `{ id: "7" }` for "/items/:id" at /items/7. */
  params: Record<string, string>;
}

/** A page: a function of the session's state, returning JSX. */
export type Page = (ctx: PageContext) => JSX.Element;

/** Internal: what components need while a page renders. */
export interface RenderScope extends PageContext {
  csrfToken: string;
  /** Signs upload limits and handlers into the page; never rendered itself. */
  signingKey: string;
  /** What every upload zone's config starts from (the server's resumable-upload settings). */
  zoneDefaults: Partial<UploadConfig>;
  /** A readable message from a handler that failed, shown at the top of the page. */
  error?: string;
  /** A form a handler refused: its messages by field name, and what was sent, shown again. */
  form?: FormEcho;
  /** Throws a SetupError when `handler` ("State.method") is no handler of the app. */
  checkHandler?(handler: string): void;
  /** Set while rendering when an event button needs the page's events form (for use without JavaScript). */
  usesEventsForm?: boolean;
}

export interface FormEcho {
  errors: Readonly<Record<string, string>>;
  values: Readonly<Record<string, unknown>>;
}

const scopes = new AsyncLocalStorage<RenderScope>();

export function withRenderScope<T>(scope: RenderScope, render: () => T): T {
  return scopes.run(scope, render);
}

/** The scope of the page being rendered, if any. */
export function renderScopeIfAny(): RenderScope | undefined {
  return scopes.getStore();
}

/** The scope of the page being rendered; components that post forms need its token. */
export function currentRenderScope(): RenderScope {
  const scope = scopes.getStore();
  if (!scope) {
    throw new Error(
      "This component needs a hyperstate page: render it from a page function or hyperstate's render()",
    );
  }
  return scope;
}
