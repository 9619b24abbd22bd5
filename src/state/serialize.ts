import { DevalueError, stringify, unflatten } from "devalue";

/** A JSON value: what a session store keeps, so any store can `JSON.stringify` it. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * A state's public fields, encoded so that they come back as what they were:
 * devalue's flat form (`JSON.parse` of `devalue.stringify`), a JSON array.
 * Chosen over superjson by measuring (BENCHMARKS.md, "State encoding") and
 * because devalue refuses what it cannot keep, naming where, instead of
 * turning it into a plain object or dropping it.
 */
export type StateData = Json;

/** What survives, for the message when something does not. */
const KEPT_TYPES =
  "strings, numbers, booleans, null, undefined, bigint, plain objects, arrays, Date, Map, Set, RegExp, URL, URLSearchParams and typed arrays";

/** A state field holds a value that cannot be saved and restored as it is. */
export class StateFieldError extends TypeError {
  constructor(
    readonly field: string,
    what: string,
  ) {
    const top = field.split(/[.[]/, 2)[1] ?? field;
    super(
      `${field} is ${what}, which a session cannot keep: state fields hold ${KEPT_TYPES}. ` +
        `Store plain data instead, or name the field _${top} to keep it out of the saved state.`,
    );
    this.name = "StateFieldError";
  }
}

/** Encodes a state's fields; `stateName` names the field in the error when one cannot be kept. */
export function encodeFields(stateName: string, fields: Record<string, unknown>): StateData {
  try {
    return JSON.parse(stringify(fields));
  } catch (error) {
    if (error instanceof DevalueError) throw new StateFieldError(`${stateName}${error.path}`, describe(error.value));
    throw error;
  }
}

/** The fields `encodeFields` was given, with their types: fresh objects on every call. */
export function decodeFields(data: StateData): Record<string, unknown> {
  return unflatten(data as unknown[]);
}

function describe(value: unknown): string {
  if (typeof value === "function") return "a function";
  if (typeof value === "symbol") return "a symbol";
  if (value && typeof (value as PromiseLike<unknown>).then === "function") return "a promise";
  const className = (value as object | undefined)?.constructor?.name;
  return className ? `an instance of ${className}` : "an object of an unknown class";
}
