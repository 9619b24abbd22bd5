// The app the form tests post to: the demo's todos, and a state whose
// handlers record the fields and values they were given.

import { Elysia } from "elysia";
import { TodosPage, TodoState } from "../../views/todos";
import { CounterPage, CounterState } from "../../views/counter";
import { hyperstate } from "../../src/app";
import { events } from "../../src/events/refs";
import type { PageContext } from "../../src/render/context";
import { Checkbox, Form, Input } from "../../src/render/forms";
import { fieldErrors } from "../../src/state/field-errors";
import { State } from "../../src/state/state";
import { csrfToken } from "../../src/state/session";

/** What the recorder's handlers last received. */
export const got: { fields?: unknown; args?: unknown[] } = {};

export class Recorder extends State {
  static on = events(this);
  saved = 0;

  async save(fields: { name: string; agree: boolean }) {
    got.fields = fields;
    this.saved += 1;
  }

  async rename(id: number, fields: { name: string }) {
    got.args = [id, fields];
  }

  async setName(name: string) {
    got.args = [name];
  }

  async refuse(fields: { name: string }) {
    return fieldErrors(fields, { name: "Pick a <longer> name" });
  }
}

function RecorderPage({ use }: PageContext): JSX.Element {
  return (
    <>
      <p id="saved">{use(Recorder).saved}</p>
      <Form onSubmit={Recorder.on.refuse}>
        <Input name="name" label="Name" />
        <Checkbox name="agree" label="I agree" />
      </Form>
    </>
  );
}

/** The form app's secret: tests sign its form tokens as its pages do. */
export const FORM_APP_SECRET = "test secret";

export function newFormApp() {
  return new Elysia().use(
    hyperstate({
      states: [Recorder, TodoState, CounterState],
      pages: { "/recorder": RecorderPage, "/todos": TodosPage, "/counter": CounterPage },
      secret: FORM_APP_SECRET,
    }),
  );
}

export type FormApp = ReturnType<typeof newFormApp>;

export async function sessionOf(app: FormApp, page = "/recorder"): Promise<string> {
  const cookie = (await app.handle(new Request(`http://localhost${page}`))).headers.get("Set-Cookie") ?? "";
  const id = /^hs_session=([^;]+)/.exec(cookie)?.[1];
  if (!id) throw new Error("The page set no session cookie");
  return id;
}

export interface PostOptions {
  session: string;
  /** Posted as the browser does without JavaScript: no HX-Request, with the form's token. */
  native?: boolean;
  page?: string;
  headers?: Record<string, string>;
}

/** POST /_event/<name> with these fields (repeat a name by giving a list), as htmx or a native form sends them. */
export function postFields(app: FormApp, name: string, fields: [string, string][], options: PostOptions): Promise<Response> {
  const page = options.page ?? "/recorder";
  const body = new URLSearchParams(fields);
  const headers: Record<string, string> = {
    "Content-Type": "application/x-www-form-urlencoded",
    Cookie: `hs_session=${options.session}`,
    ...options.headers,
  };
  if (options.native) {
    body.set("hs-csrf", csrfToken(FORM_APP_SECRET, options.session));
    body.set("hs-return", page);
  } else {
    headers["HX-Request"] = "true";
    headers["HX-Current-URL"] = `http://localhost${page}`;
  }
  return app.handle(new Request(`http://localhost/_event/${name}`, { method: "POST", headers, body }));
}

export async function pageHtml(app: FormApp, session: string, page: string): Promise<string> {
  return (await app.handle(new Request(`http://localhost${page}`, { headers: { Cookie: `hs_session=${session}` } }))).text();
}
