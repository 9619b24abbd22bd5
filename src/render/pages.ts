// Rendering a session's pages: match the path, load the session's saved
// state, render the page inside its scope (so components reach state,
// tokens and zone defaults), and wrap a first load in the document shell.

import { randomBytes } from "node:crypto";
import { SetupError } from "../errors";
import { REFUSE } from "../refusals";
import type { UploadConfig } from "../protocol";
import { instantiate, type SessionData, type StateRegistry } from "../state/registry";
import type { State, StateClass } from "../state/state";
import type { SessionStore } from "../state/store";
import { withRenderScope, type FormEcho, type Page, type RenderScope } from "./context";
import { EventsForm } from "./forms";
import { NotFoundPage } from "./not-found";
import { Routes, type PageEntry, type PageRoute, type RouteMatch } from "./routes";
import { ErrorBanner, Shell } from "./shell";

export interface PagesOptions {
  pages: Record<string, PageEntry>;
  notFound?: PageEntry;
  title?: string;
  zoneDefaults?: Partial<UploadConfig>;
  registry: StateRegistry;
  store: SessionStore;
  /** The tokens a session's pages carry: the form token and the key that signs zones and actions. */
  tokens(sessionId: string): { csrfToken: string; signingKey: string };
}

export class PageRenderer {
  readonly routes: Routes;
  readonly #notFound: PageRoute;
  readonly #title: string;
  readonly #options: PagesOptions;

  constructor(options: PagesOptions) {
    this.#options = options;
    this.routes = new Routes(options.pages);
    const notFound = options.notFound ?? NotFoundPage;
    this.#notFound = typeof notFound === "function" ? { page: notFound, title: "Page not found" } : notFound;
    this.#title = options.title ?? "hyperstate";
  }

  hasPage(path: string): boolean {
    return this.routes.match(path) !== undefined;
  }

  /** The inner HTML of the page root for `url`, from the session's saved state. */
  async renderPage(sessionId: string, url: URL, error?: string, form?: FormEcho): Promise<string> {
    return (await this.#renderRoute(sessionId, url, this.#match(url), error, form)).body;
  }

  /** Renders any JSX inside a page scope, so upload forms and events work in it. */
  async renderWith(sessionId: string, url: URL, data: SessionData, view: Page, error?: string, form?: FormEcho): Promise<string> {
    return (await this.#renderIn(this.#scope(sessionId, url, data, {}, error, form), { page: view })).body;
  }

  /** The full document for a first load, with a fresh tab id. */
  async renderDocument(sessionId: string, url: URL, error?: string, form?: FormEcho): Promise<string> {
    const { body, title, head } = await this.#renderRoute(sessionId, url, this.#match(url), error, form);
    return document(url, body, title, head);
  }

  /** The app's 404 page for `url`, as a whole document. */
  async renderNotFound(sessionId: string, url: URL): Promise<string> {
    const { body, title, head } = await this.#renderRoute(sessionId, url, { pattern: "", route: this.#notFound, params: {} });
    return document(url, body, title, head);
  }

  #match(url: URL): RouteMatch {
    const match = this.routes.match(url.pathname);
    if (!match) throw REFUSE.noPage(url.pathname);
    return match;
  }

  async #renderRoute(sessionId: string, url: URL, match: RouteMatch, error?: string, form?: FormEcho) {
    const data = (await this.#options.store.get(sessionId)) ?? {};
    return this.#renderIn(this.#scope(sessionId, url, data, match.params, error, form), match.route);
  }

  async #renderIn(scope: RenderScope, route: PageRoute): Promise<{ body: string; title: string; head: string }> {
    return withRenderScope(scope, async () => {
      const view = await route.page(scope);
      const page = scope.usesEventsForm ? `${view}${EventsForm(scope)}` : view;
      const body = scope.error ? `${ErrorBanner({ message: scope.error })}${page}` : page;
      const title = typeof route.title === "function" ? route.title(scope) : (route.title ?? this.#title);
      const head = route.head ? await route.head(scope) : "";
      return { body, title, head };
    });
  }

  #scope(sessionId: string, url: URL, data: SessionData, params: Record<string, string>, error?: string, form?: FormEcho): RenderScope {
    const instances = new Map<StateClass, State>();
    const { registry, zoneDefaults = {} } = this.#options;
    return {
      url,
      params,
      error,
      form,
      ...this.#options.tokens(sessionId),
      zoneDefaults,
      checkHandler(handler: string): void {
        if (!registry.resolve(handler)) throw new SetupError(`The page at ${url.pathname} calls ${handler}, which is no handler. ${registry.whyNoHandler(handler)}`);
      },
      use<T extends State>(stateClass: StateClass<T>): T {
        let instance = instances.get(stateClass);
        if (!instance) {
          if (!registry.has(stateClass)) {
            throw new SetupError(`The page at ${url.pathname} uses the state ${stateClass.name}, which is not registered: add it to hyperstate({ states: [...] })`);
          }
          instance = instantiate(stateClass, data[registry.nameOf(stateClass)]);
          instances.set(stateClass, instance);
        }
        return instance as T;
      },
    };
  }
}

function document(url: URL, body: string, title: string, head: string): string {
  const tabId = randomBytes(16).toString("base64url");
  return Shell({ title, head, tabId, pagePath: url.pathname + url.search, children: body }) as string;
}
