// The framework wired together: one session store, bus and lock (chosen by
// state/backends.ts), the handler runner (state/handlers.ts), the page
// renderer (render/pages.ts) and the tabs' fan-out (stream/fanout.ts).
// Routes and features reach them through this object.

import { randomBytes } from "node:crypto";
import type { FormEcho, Page } from "./render/context";
import { PageRenderer } from "./render/pages";
import type { PageEntry } from "./render/routes";
import type { UploadConfig } from "./protocol";
import { chooseBackends } from "./state/backends";
import { HandlerRunner, type EventOutcome } from "./state/handlers";
import type { SessionLock } from "./state/lock";
import { StateRegistry, type SessionData } from "./state/registry";
import { csrfToken, newSessionId, readSessionId, sessionCookie, signingKey } from "./state/session";
import type { StateClass } from "./state/state";
import type { SessionStore } from "./state/store";
import { pushToTabs } from "./stream/fanout";
import { StreamHub } from "./stream/hub";
import type { ChangeBus } from "./stream/pubsub";

export type { EventOutcome };

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

export class Runtime {
  readonly registry: StateRegistry;
  readonly store: SessionStore;
  readonly bus: ChangeBus;
  readonly lock: SessionLock;
  readonly hub = new StreamHub();
  readonly secret: string;
  readonly pages: PageRenderer;
  readonly handlers: HandlerRunner;
  readonly #unsubscribe: () => void;

  constructor(options: RuntimeOptions) {
    this.registry = new StateRegistry(options.states);
    ({ sessionStore: this.store, changeBus: this.bus, lock: this.lock } = chooseBackends(options));
    this.secret = options.secret ?? process.env.HYPERSTATE_SECRET ?? randomBytes(32).toString("hex");
    this.pages = new PageRenderer({
      ...options,
      registry: this.registry,
      store: this.store,
      tokens: (sessionId) => ({ csrfToken: this.csrfToken(sessionId), signingKey: this.signingKey(sessionId) }),
    });
    this.handlers = new HandlerRunner(this.registry, this.store, this.lock, this.bus);
    const render = (sessionId: string, page: URL, error?: string) => this.pages.renderPage(sessionId, page, error);
    this.#unsubscribe = this.bus.subscribe((change) => void pushToTabs(this.hub, render, change));
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

  // ---------------------------------------------------------------- pages and handlers, by name

  hasPage(path: string): boolean {
    return this.pages.hasPage(path);
  }

  renderPage(sessionId: string, url: URL, error?: string, form?: FormEcho): Promise<string> {
    return this.pages.renderPage(sessionId, url, error, form);
  }

  renderWith(sessionId: string, url: URL, data: SessionData, view: Page, error?: string, form?: FormEcho): Promise<string> {
    return this.pages.renderWith(sessionId, url, data, view, error, form);
  }

  renderDocument(sessionId: string, url: URL, error?: string, form?: FormEcho): Promise<string> {
    return this.pages.renderDocument(sessionId, url, error, form);
  }

  renderNotFound(sessionId: string, url: URL): Promise<string> {
    return this.pages.renderNotFound(sessionId, url);
  }

  runEvent(sessionId: string, name: string, args: unknown[], origin?: { tabId?: string }): Promise<EventOutcome> {
    return this.handlers.run(sessionId, name, args, origin);
  }

  async close(): Promise<void> {
    this.#unsubscribe();
    await this.handlers.settle();
    await this.bus.close();
    await this.lock.close();
    await this.store.close();
  }
}
