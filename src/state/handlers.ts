// Running handlers: under the session's lock, on a fresh copy of its state,
// saved only when the handler returns; background handlers detached, each
// `await this.update(...)` a locked load-apply-save. Every saved change is
// published on the bus, for the tabs to re-render.

import { REFUSE } from "../refusals";
import type { ClientAction } from "../protocol";
import type { ChangeBus } from "../stream/pubsub";
import { errorsOf, isFieldErrors } from "./field-errors";
import type { SessionLock } from "./lock";
import { instantiate, snapshot, type SessionData, type StateRegistry } from "./registry";
import { backgroundUpdaters, type StateClass } from "./state";
import type { SessionStore } from "./store";

export interface EventOutcome {
  actions: ClientAction[];
  /** A readable message when the handler threw; the state is as it was. */
  error?: string;
  /** Messages for a form's fields, by name, when the handler returned fieldErrors(...). */
  fieldErrors?: Readonly<Record<string, string>>;
  /** A background handler's run: settles when it ends (rejects when it throws). */
  done?: Promise<void>;
}

export class HandlerRunner {
  /** Background handler runs in flight, so shutdown and tests can wait for them. */
  readonly running = new Set<Promise<unknown>>();
  /** Told of the client actions handlers return, so the server can act on them too (cancelUpload). */
  readonly actionListeners = new Set<(sessionId: string, actions: ClientAction[]) => void>();

  constructor(
    private readonly registry: StateRegistry,
    private readonly store: SessionStore,
    private readonly lock: SessionLock,
    private readonly bus: ChangeBus,
  ) {}

  /**
   * Runs a handler for a session: under the session's lock, on a fresh copy
   * of its state, saved only if the handler returns. A background handler is
   * started detached and this returns at once.
   */
  async run(sessionId: string, name: string, args: unknown[], origin?: { tabId?: string }): Promise<EventOutcome> {
    const handler = this.registry.resolve(name);
    if (!handler) {
      throw REFUSE.noHandler(name, this.registry.whyNoHandler(name));
    }
    if (handler.background) {
      return { actions: [], done: this.#startBackground(sessionId, handler.stateClass, handler.method, args) };
    }
    const outcome = await this.lock.run(sessionId, async (): Promise<EventOutcome> => {
      const data = await this.#load(sessionId);
      const instance = instantiate(handler.stateClass, data[handler.stateName]);
      let result: unknown;
      try {
        result = await (instance as any)[handler.method](...args);
        // Inside the try: a field the handler set to something unsaveable fails the event by name.
        data[handler.stateName] = snapshot(instance);
      } catch (error) {
        console.error(`Handler ${name} failed:`, error);
        return { actions: [], error: `${name} failed: ${(error as Error)?.message ?? String(error)}` };
      }
      await this.store.set(sessionId, data);
      return outcomeOf(result);
    });
    if (!outcome.error) await this.bus.publish({ sessionId, exceptTab: origin?.tabId });
    this.#announce(sessionId, outcome.actions);
    return outcome;
  }

  /** Waits for the background runs still going. */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.running]);
  }

  /**
   * The session's states to change and save: a new top-level map, so the
   * stored one is untouched until saved; `instantiate` copies the fields of
   * the one state a handler changes.
   */
  async #load(sessionId: string): Promise<SessionData> {
    return { ...(await this.store.get(sessionId)) };
  }

  #startBackground(sessionId: string, stateClass: StateClass, method: string, args: unknown[]): Promise<void> {
    const stateName = this.registry.nameOf(stateClass);
    const run = (async () => {
      const instance = instantiate(stateClass, (await this.store.get(sessionId))?.[stateName]);
      backgroundUpdaters.set(instance, (apply) =>
        this.lock.run(sessionId, async () => {
          const data = await this.#load(sessionId);
          // Start from what other events saved meanwhile, then apply this change.
          Object.assign(instance, instantiate(stateClass, data[stateName]));
          await apply();
          data[stateName] = snapshot(instance);
          await this.store.set(sessionId, data);
          await this.bus.publish({ sessionId });
        }),
      );
      const result = await (instance as any)[method](...args);
      const actions = toActions(result);
      this.#announce(sessionId, actions);
      if (actions.length) await this.bus.publish({ sessionId, actions });
    })();
    const settled = run.catch(async (error) => {
      console.error(`Background handler ${stateName}.${method} failed:`, error);
      await this.bus.publish({ sessionId, error: `${stateName}.${method} failed: ${(error as Error)?.message ?? String(error)}` });
    });
    this.running.add(settled);
    settled.finally(() => this.running.delete(settled));
    return run;
  }

  #announce(sessionId: string, actions: ClientAction[]): void {
    if (actions.length) for (const listener of this.actionListeners) listener(sessionId, actions);
  }
}

function toActions(result: unknown): ClientAction[] {
  if (result === undefined || result === null) return [];
  return (Array.isArray(result) ? result : [result]).filter((item) => !isFieldErrors(item)) as ClientAction[];
}

/** A handler's return value, split into client actions and field messages. */
function outcomeOf(result: unknown): EventOutcome {
  const errors = (Array.isArray(result) ? result : [result]).filter(isFieldErrors).map(errorsOf);
  return errors.length ? { actions: toActions(result), fieldErrors: Object.assign({}, ...errors) } : { actions: toActions(result) };
}
