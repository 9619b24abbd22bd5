import { REFUSE } from "./refusals";

/**
 * The handler's arguments: a JSON array. Keys that could reach an object's
 * prototype are dropped while parsing.
 */
export function parseArgs(raw: unknown): unknown[] {
  if (raw === null || raw === undefined || raw === "") return [];
  if (typeof raw !== "string") throw REFUSE.argsNotArray();
  let args: unknown;
  try {
    args = JSON.parse(raw, (key, value) => (key === "__proto__" || key === "constructor" || key === "prototype" ? undefined : value));
  } catch {
    throw REFUSE.argsNotJson();
  }
  if (!Array.isArray(args)) throw REFUSE.argsNotArray();
  return args;
}

