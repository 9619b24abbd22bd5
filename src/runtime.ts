import { randomBytes } from "node:crypto";
import { ErrorBanner, Shell } from "./render/shell";
import { withRenderScope, type FormEcho, type Page, type RenderScope } from "./render/context";
import { EventsForm } from "./render/forms";
import { NotFoundPage } from "./render/not-found";
import { Routes, type PageEntry, type PageRoute, type RouteMatch } from "./render/routes";
import { HttpError, SetupError } from "./errors";
import { ACTIONS_EVENT, type ClientAction, type UploadConfig } from "./protocol";
import { chooseBackends } from "./state/backends";
import type { SessionLock } from "./state/lock";
import { instantiate, snapshot, StateRegistry, type SessionData } from "./state/registry";
import { csrfToken, newSessionId, readSessionId, sessionCookie, signingKey } from "./state/session";
import { errorsOf, isFieldErrors } from "./state/field-errors";
import { backgroundUpdaters, type State, type StateClass } from "./state/state";
import type { SessionStore } from "./state/store";
import { StreamHub } from "./stream/hub";
import type { ChangeBus, SessionChange } from "./stream/pubsub";

export interface RuntimeOptions {
  /** Every state class whose handlers pages may call. */
  states: StateClass[];
  /** Path (with `:name` parameters: "/items/:id") -> page function, or `{ page, title, head }`. */
  pages: Record<string, PageEntry>;
  /** The page for a path no page matches, answered with 404. @default a short "Page not found" */
  notFound?: PageEntry;
  /** The document title of pages that set none. @default "hyperstate" */
  title?: string;
  /** @default a bounded SqliteStore under the data directory (HYPERSTATE_DATA_DIR) */
  sessionStore?: SessionStore;
  /** @default an in-process bus */
  changeBus?: ChangeBus;
  /** Keeps one session's handlers apart. @default an in-process KeyedLock */
  lock?: SessionLock;
  /** Sessions, changes and locks in this Redis (what is not given above). @default env REDIS_URL */
  redisUrl?: string;
  /** What every upload zone's config starts from (set by the upload plugin). */
  zoneDefaults?: Partial<UploadConfig>;
  /** Signs the tokens of forms that post without JavaScript. @default env HYPERSTATE_SECRET, else random per process */
  secret?: string;
}

export interface Session {
  id: string;
  /** A Set-Cookie value when the session is new. */
  cookie?: string;
}

export interface EventOutcome {
  actions: ClientAction[];
  /** A readable message when the handler threw; the state is as it was. */
  error?: string;
  /** Messages for a form's fields, by name, when the handler returned fieldErrors(...). */
  fieldErrors?: Readonly<Record<string, string>>;
  /** A background handler's run: settles when it ends (rejects when it throws). */
  done?: Promise<void>;
}

/**
 * The heart of the framework: sessions, handler runs under the session's
 * lock, page renders, and pushing renders to open tabs.
 */
export class Runtime {
  readonly registry: StateRegistry;
  readonly store: SessionStore;
  readonly bus: ChangeBus;
  readonly hub = new StreamHub();
  readonly lock: SessionLock;
  readonly secret: string;
  readonly routes: Routes;
  readonly #notFound: PageRoute;
  readonly #title: string;
  readonly #zoneDefaults: Partial<UploadConfig>;
  readonly #unsubscribe: () => void;
  /** Background handler runs in flight, so shutdown and tests can wait for them. */
  readonly running = new Set<Promise<unknown>>();
  /** Told of the client actions handlers return, so the server can act on them too (cancelUpload). */
  readonly actionListeners = new Set<(sessionId: string, actions: ClientAction[]) => void>();

  constructor(options: RuntimeOptions) {
    this.registry = new StateRegistry(options.states);
    const backends = chooseBackends(options);
    this.store = backends.sessionStore;
    this.bus = backends.changeBus;
    this.lock = backends.lock;
    this.secret = options.secret ?? process.env.HYPERSTATE_SECRET ?? randomBytes(32).toString("hex");
    this.routes = new Routes(options.pages);
    const notFound = options.notFound ?? NotFoundPage;
    this.#notFound = typeof notFound === "function" ? { page: notFound, title: "Page not found" } : notFound;
    this.#title = options.title ?? "hyperstate";
    this.#zoneDefaults = options.zoneDefaults ?? {};
    this.#unsubscribe = this.bus.subscribe((change) => void this.#pushToTabs(change));
  }

  // ---------------------------------------------------------------- sessions

  session(request: Request): Session {
    const existing = readSessionId(request.headers.get("Cookie"));
    if (existing) return { id: existing };
    const id = newSessionId();
    return { id, cookie: sessionCookie(id, new URL(request.url).protocol === "https:") };
  }

  csrfToken(sessionId: string): string {
    return csrfToken(this.secret, sessionId);
  }

  /** Signs what the session's pages hand the browser to send back unchanged. */
  signingKey(sessionId: string): string {
    return signingKey(this.secret, sessionId);
  }

  /**
   * The session's states to change and save: a new top-level map, so the
   * stored one is untouched until saved; `instantiate` copies the fields of
   * the one state a handler changes.
   */
  async #load(sessionId: string): Promise<SessionData> {
    return { ...(await this.store.get(sessionId)) };
  }

  // ---------------------------------------------------------------- pages

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
    return this.#document(url, body, title, head);
  }

  /** The app's 404 page for `url`, as a whole document. */
  async renderNotFound(sessionId: string, url: URL): Promise<string> {
    const { body, title, head } = await this.#renderRoute(sessionId, url, { pattern: "", route: this.#notFound, params: {} });
    return this.#document(url, body, title, head);
  }

  #match(url: URL): RouteMatch {
    const match = this.routes.match(url.pathname);
    if (!match) throw new HttpError(404, `No page at ${url.pathname}`);
    return match;
  }

  async #renderRoute(sessionId: string, url: URL, match: RouteMatch, error?: string, form?: FormEcho) {
    const data = (await this.store.get(sessionId)) ?? {};
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

  #document(url: URL, body: string, title: string, head: string): string {
    const tabId = randomBytes(16).toString("base64url");
    return Shell({ title, head, tabId, pagePath: url.pathname + url.search, children: body }) as string;
  }

  #scope(sessionId: string, url: URL, data: SessionData, params: Record<string, string>, error?: string, form?: FormEcho): RenderScope {
    const instances = new Map<StateClass, State>();
    const registry = this.registry;
    return {
      url,
      params,
      error,
      form,
      csrfToken: this.csrfToken(sessionId),
      signingKey: this.signingKey(sessionId),
      zoneDefaults: this.#zoneDefaults,
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

  // ---------------------------------------------------------------- events

  /**
   * Runs a handler for a session: under the session's lock, on a fresh copy
   * of its state, saved only if the handler returns. A background handler is
   * started detached and this returns at once.
   */
  async runEvent(sessionId: string, name: string, args: unknown[], origin?: { tabId?: string }): Promise<EventOutcome> {
    const handler = this.registry.resolve(name);
    if (!handler) {
      throw new HttpError(404, `No handler named ${name}. ${this.registry.whyNoHandler(name)}`);
    }
    if (handler.background) {
      return { actions: [], done: this.#startBackground(sessionId, handler.stateClass, handler.method, args) };
    }
    const outcome = await this.lock.run(sessionId, async (): Promise<EventOutcome> => {
      const data = await this.#load(sessionId);
      const instance = instantiate(handler.stateClass, data[handler.stateName]);
      let result: unknown;
      try {
        result = await (instance as any)[handler.method](...args);
        // Inside the try: a field the handler set to something unsaveable fails the event by name.
        data[handler.stateName] = snapshot(instance);
      } catch (error) {
        console.error(`Handler ${name} failed:`, error);
        return { actions: [], error: `${name} failed: ${(error as Error)?.message ?? String(error)}` };
      }
      await this.store.set(sessionId, data);
      return outcomeOf(result);
    });
    if (!outcome.error) await this.bus.publish({ sessionId, exceptTab: origin?.tabId });
    this.#announce(sessionId, outcome.actions);
    return outcome;
  }

  #startBackground(sessionId: string, stateClass: StateClass, method: string, args: unknown[]): Promise<void> {
    const stateName = this.registry.nameOf(stateClass);
    const run = (async () => {
      const instance = instantiate(stateClass, (await this.store.get(sessionId))?.[stateName]);
      backgroundUpdaters.set(instance, (apply) =>
        this.lock.run(sessionId, async () => {
          const data = await this.#load(sessionId);
          // Start from what other events saved meanwhile, then apply this change.
          Object.assign(instance, instantiate(stateClass, data[stateName]));
          await apply();
          data[stateName] = snapshot(instance);
          await this.store.set(sessionId, data);
          await this.bus.publish({ sessionId });
        }),
      );
      const result = await (instance as any)[method](...args);
      const actions = toActions(result);
      this.#announce(sessionId, actions);
      if (actions.length) await this.bus.publish({ sessionId, actions });
    })();
    const settled = run.catch(async (error) => {
      console.error(`Background handler ${stateName}.${method} failed:`, error);
      await this.bus.publish({ sessionId, error: `${stateName}.${method} failed: ${(error as Error)?.message ?? String(error)}` });
    });
    this.running.add(settled);
    settled.finally(() => this.running.delete(settled));
    return run;
  }

  #announce(sessionId: string, actions: ClientAction[]): void {
    if (actions.length) for (const listener of this.actionListeners) listener(sessionId, actions);
  }

  // ---------------------------------------------------------------- streams

  async #pushToTabs(change: SessionChange): Promise<void> {
    const tabs = this.hub.tabsOf(change.sessionId).filter((tab) => tab.tabId !== change.exceptTab);
    const renders = new Map<string, Promise<string>>();
    for (const tab of tabs) {
      let render = renders.get(tab.page);
      if (!render) {
        render = this.renderPage(change.sessionId, new URL(tab.page), change.error);
        renders.set(tab.page, render);
      }
      try {
        tab.send({ data: await render });
        if (change.actions?.length) tab.send({ event: ACTIONS_EVENT, data: JSON.stringify(change.actions) });
      } catch (error) {
        console.error("Could not push a render to a tab:", error);
      }
    }
  }

  async close(): Promise<void> {
    this.#unsubscribe();
    await Promise.allSettled([...this.running]);
    await this.bus.close();
    await this.lock.close();
    await this.store.close();
  }
}

function toActions(result: unknown): ClientAction[] {
  if (result === undefined || result === null) return [];
  return (Array.isArray(result) ? result : [result]).filter((item) => !isFieldErrors(item)) as ClientAction[];
}

/** A handler's return value, split into client actions and field messages. */
function outcomeOf(result: unknown): EventOutcome {
  const errors = (Array.isArray(result) ? result : [result]).filter(isFieldErrors).map(errorsOf);
  return errors.length ? { actions: toActions(result), fieldErrors: Object.assign({}, ...errors) } : { actions: toActions(result) };
}
