import { HttpError } from "./errors";
import { FIELDS } from "./protocol";

/**
 * The handler's arguments: a JSON array. Keys that could reach an object's
 * prototype are dropped while parsing.
 */
export function parseArgs(raw: unknown): unknown[] {
  if (raw === null || raw === undefined || raw === "") return [];
  if (typeof raw !== "string") throw new HttpError(400, `${FIELDS.args} must be a JSON array`);
  let args: unknown;
  try {
    args = JSON.parse(raw, (key, value) => (key === "__proto__" || key === "constructor" || key === "prototype" ? undefined : value));
  } catch {
    throw new HttpError(400, `${FIELDS.args} is not valid JSON`);
  }
  if (!Array.isArray(args)) throw new HttpError(400, `${FIELDS.args} must be a JSON array`);
  return args;
}

