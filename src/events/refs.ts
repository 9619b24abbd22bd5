import type { ClientAction, EventSpec } from "../protocol";
import type { HandlerResult, State, StateClass } from "../state/state";

const EVENT_REF = Symbol("hyperstate.eventRef");

/** A call of a handler, as a page renders it: `Counter.on.increment(1)`. */
export interface EventRef extends EventSpec {
  readonly [EVENT_REF]: true;
}

type HandlerKeys<T> = {
  [K in keyof T]: K extends `_${string}` | keyof State
    ? never
    : T[K] extends (...args: any[]) => HandlerResult | Promise<HandlerResult>
      ? K
      : never;
}[keyof T];

/** `State.on`: one typed event-reference maker per handler. */
export type EventRefs<T> = {
  readonly [K in HandlerKeys<T>]: T[K] extends (...args: infer A) => any ? (...args: A) => EventRef : never;
};

/**
 * Builds a state class's typed event references. Use it as the class's
 * `on` field: `static on = events(this);`
 */
export function events<C extends StateClass>(stateClass: C): EventRefs<InstanceType<C>> {
  return new Proxy({} as EventRefs<InstanceType<C>>, {
    get(_target, method) {
      if (typeof method !== "string") return undefined;
      return (...args: unknown[]): EventRef => ({
        [EVENT_REF]: true,
        handler: `${stateClass.name}.${method}`,
        args,
      });
    },
  });
}

export function isEventRef(value: unknown): value is EventRef {
  return typeof value === "object" && value !== null && EVENT_REF in value;
}

// ---------------------------------------------------------------- client actions

/** Sends the browser to another page. */
export function redirect(url: string): ClientAction {
  return { type: "redirect", url };
}

/** Empties an upload zone's selection. */
export function clearSelectedFiles(id: string): ClientAction {
  return { type: "clearSelectedFiles", id };
}

/** Stops an upload in flight; the server discards what it had of it. */
export function cancelUpload(id: string): ClientAction {
  return { type: "cancelUpload", id };
}

export function isClientAction(value: unknown): value is ClientAction {
  return (
    typeof value === "object" &&
    value !== null &&
    ["redirect", "clearSelectedFiles", "cancelUpload"].includes((value as ClientAction).type)
  );
}

/** What an `onClick` and friends accept. */
export type Trigger = EventRef | ClientAction | ClientAction[];
