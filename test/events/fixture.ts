// The app the event tests post to: the demo's counter, and a probe state
// whose handlers record what they were given or fail on purpose.

import { Elysia } from "elysia";
import { CounterPage, CounterState } from "../../views/counter";
import { hyperstate } from "../../src/app";
import { clearSelectedFiles, events, redirect } from "../../src/events/refs";
import type { PageContext } from "../../src/render/context";
import { State } from "../../src/state/state";

/** The arguments the probe's last `record` call received. */
export const received: { args?: unknown[] } = {};

export class Probe extends State {
  static on = events(this);
  count = 0;

  async record(...args: unknown[]) {
    received.args = args;
    this.count += 1;
  }

  async incrementThenFail() {
    this.count += 1;
    throw new Error("the printer is on fire");
  }

  async clearTray() {
    return clearSelectedFiles("photos");
  }

  async leave(url: string) {
    return redirect(url);
  }

  async fail(message: string) {
    throw new Error(message);
  }

  async _private() {
    this.count = 999;
  }

  addSync(by: number) {
    this.count += by;
  }
}

function ProbePage({ use }: PageContext): JSX.Element {
  return `<p id="probe-count">${use(Probe).count}</p>`;
}

/** The app's secret: tests sign its form tokens as its pages do. */
export const APP_SECRET = "test secret";

export function newApp() {
  return new Elysia().use(
    hyperstate({ states: [CounterState, Probe], pages: { "/counter": CounterPage, "/probe": ProbePage }, secret: APP_SECRET }),
  );
}

export type App = ReturnType<typeof newApp>;

export async function newSession(app: App): Promise<string> {
  const cookie = (await app.handle(new Request("http://localhost/counter"))).headers.get("Set-Cookie") ?? "";
  const id = /^hs_session=([^;]+)/.exec(cookie)?.[1];
  if (!id) throw new Error("The page set no session cookie");
  return id;
}

export interface EventOptions {
  session?: string;
  args?: string;
  page?: string;
  headers?: Record<string, string>;
  body?: BodyInit;
}

/** POST /_event/<name> the way htmx sends it. */
export function postEvent(app: App, name: string, options: EventOptions = {}): Promise<Response> {
  const headers: Record<string, string> = {
    "Content-Type": "application/x-www-form-urlencoded",
    "HX-Request": "true",
    "HX-Current-URL": `http://localhost${options.page ?? "/counter"}`,
    ...options.headers,
  };
  if (options.session) headers.Cookie = `hs_session=${options.session}`;
  const body = options.body ?? (options.args === undefined ? "" : new URLSearchParams({ "hs-args": options.args }));
  return app.handle(new Request(`http://localhost/_event/${name}`, { method: "POST", headers, body }));
}

/** The counter a session's /counter page shows. */
export async function shownCount(app: App, session: string): Promise<number> {
  const html = await (await app.handle(new Request("http://localhost/counter", { headers: { Cookie: `hs_session=${session}` } }))).text();
  return countIn(html);
}

export function countIn(html: string): number {
  const match = /<strong id="count"[^>]*>(-?\d+)<\/strong>/.exec(html);
  if (!match) throw new Error(`No count in ${html.slice(0, 200)}`);
  return Number(match[1]);
}

export async function probeCount(app: App, session: string): Promise<number> {
  const html = await (await app.handle(new Request("http://localhost/probe", { headers: { Cookie: `hs_session=${session}` } }))).text();
  return Number(/<p id="probe-count">(\d+)<\/p>/.exec(html)?.[1]);
}
