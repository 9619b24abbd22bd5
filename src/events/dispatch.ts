import { parseArgs } from "../args";
import { refuseForeignForm } from "../origin";
import { FIELDS, HEADERS } from "../protocol";
import { eventPageOf, nativeAnswer, refusedFormAnswer, scriptAnswer } from "../render/answers";
import type { FormEcho } from "../render/context";
import type { Runtime, Session } from "../runtime";
import { withEventPage } from "../state/event-page";
import { fillFieldMarkers, readFields, type EventForm } from "./fields";
import { readForm } from "./request";

/**
 * POST /_event/<State.handler>. From htmx: runs the handler and answers with
 * the re-rendered page root. From a form posted without JavaScript: checks
 * the form's token, runs the handler and redirects back to the page (303).
 */
export async function dispatchEvent(runtime: Runtime, request: Request, session: Session, name: string): Promise<Response> {
  const form = await readForm(request);
  const fromHtmx = request.headers.get(HEADERS.script) === "true";
  if (!fromHtmx) refuseForeignForm(runtime.secret, session.id, form.get(FIELDS.csrf));
  const args = fillFieldMarkers(parseArgs(form.get(FIELDS.args)), form);
  const tabId = request.headers.get(HEADERS.tab) ?? undefined;
  const page = eventPageOf(runtime, request, fromHtmx ? undefined : form.get(FIELDS.returnTo));
  const outcome = await withEventPage(page, () => runtime.runEvent(session.id, name, args, { tabId }));
  const echo = outcome.fieldErrors ? formEcho(form, outcome.fieldErrors) : undefined;
  if (!fromHtmx) {
    // A refused form is shown again at once, with its messages and what was typed: a redirect would lose both.
    if (echo) return refusedFormAnswer(runtime, request, session, form.get(FIELDS.returnTo), echo);
    return nativeAnswer(runtime, request, session, form.get(FIELDS.returnTo), outcome);
  }
  // A background handler has only started: its updates reach every tab of the session, this one
  // included, over the stream. A render of the state as it was would arrive after the first of them
  // and undo it (the page would flip back to its old state), so the answer carries nothing to swap.
  if (outcome.done) return new Response(null, { status: 204 });
  return scriptAnswer(runtime, request, session, outcome, echo);
}

function formEcho(form: EventForm, errors: Readonly<Record<string, string>>): FormEcho {
  return { errors, values: readFields(form) };
}
