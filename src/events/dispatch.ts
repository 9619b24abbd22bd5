import { parseArgs } from "../args";
import { refuseForeignForm } from "../origin";
import { FIELDS, HEADERS } from "../protocol";
import { nativeAnswer, scriptAnswer } from "../render/answers";
import type { Runtime, Session } from "../runtime";
import { readForm } from "./request";

/**
 * POST /_event/<State.handler>. From htmx: runs the handler and answers with
 * the re-rendered page root. From a form posted without JavaScript: checks
 * the form's token, runs the handler and redirects back to the page (303).
 */
export async function dispatchEvent(runtime: Runtime, request: Request, session: Session, name: string): Promise<Response> {
  const form = await readForm(request);
  const args = parseArgs(form.get(FIELDS.args));
  const fromHtmx = request.headers.get(HEADERS.script) === "true";
  if (!fromHtmx) refuseForeignForm(runtime.secret, session.id, form.get(FIELDS.csrf));
  const tabId = request.headers.get(HEADERS.tab) ?? undefined;
  const outcome = await runtime.runEvent(session.id, name, args, { tabId });
  if (!fromHtmx) return nativeAnswer(runtime, request, session, form.get(FIELDS.returnTo), outcome);
  return scriptAnswer(runtime, request, session, outcome);
}

