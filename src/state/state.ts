import type { ClientAction } from "../protocol";
import type { FieldErrors } from "./field-errors";

/**
 * Base class of every piece of per-session state. Public fields are the
 * state (plain data, `Date`, `Map`, `Set`...: see serialize.ts); public
 * async methods are event handlers.
 *
 * ```ts
 * class Counter extends State {
 *   static on = events(this);
 *   count = 0;
 *   async increment(by: number) { this.count += by; }
 * }
 * ```
 */
export abstract class State {
  /**
   * Apply a change from a background handler: takes the session's lock,
   * reloads this state, runs `apply`, saves and pushes the render to every
   * tab. The equivalent of Reflex's `async with self`.
   */
  protected async update(apply: (self: this) => void | Promise<void> = () => {}): Promise<void> {
    const run = backgroundUpdaters.get(this);
    if (!run) {
      throw new Error(
        `${this.constructor.name}.update() works only inside a background handler: mark the handler with @background`,
      );
    }
    await run(() => apply(this));
  }
}

type Updater = (apply: () => void | Promise<void>) => Promise<void>;

/** The runtime's hook for `update()`: set on the instance a background handler runs on. */
export const backgroundUpdaters = new WeakMap<State, Updater>();

export type StateClass<T extends State = State> = (abstract new () => T) & { name: string };

/** What a handler may return: nothing, client actions for the browser, or messages for a form's fields. */
export type HandlerResult = void | ClientAction | FieldErrors | (ClientAction | FieldErrors)[];

const BACKGROUND = Symbol("hyperstate.background");

/**
 * Marks a handler as background: it runs detached from the request that
 * started it, and publishes its changes with `await this.update(...)`.
 */
export function background<T extends (this: State, ...args: any[]) => Promise<unknown>>(
  handler: T,
  _context?: ClassMethodDecoratorContext,
): T {
  (handler as any)[BACKGROUND] = true;
  return handler;
}

export function isBackground(handler: Function): boolean {
  return (handler as any)[BACKGROUND] === true;
}
