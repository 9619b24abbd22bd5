import { decodeFields, encodeFields, type StateData } from "./serialize";
import { isBackground, State, type StateClass } from "./state";

export interface ResolvedHandler {
  stateClass: StateClass;
  stateName: string;
  method: string;
  background: boolean;
}

export type { StateData } from "./serialize";
/** Everything a session holds: state name -> its encoded fields. JSON-safe. */
export type SessionData = Record<string, StateData>;

const HANDLER_NAME = /^([A-Za-z_$][\w$]*)\.([A-Za-z$][\w$]*)$/;

/** The state classes an app knows, and the handlers a request may call. */
export class StateRegistry {
  readonly #classes = new Map<string, StateClass>();

  constructor(classes: Iterable<StateClass>) {
    for (const stateClass of classes) this.register(stateClass);
  }

  register(stateClass: StateClass): void {
    if (!(stateClass.prototype instanceof State)) {
      throw new TypeError(`${stateClass.name} must extend State to be registered`);
    }
    const existing = this.#classes.get(stateClass.name);
    if (existing && existing !== stateClass) {
      throw new Error(`Two state classes are named ${stateClass.name}: rename one of them`);
    }
    // A default that cannot be saved is refused now, not after the first event.
    snapshot(new (stateClass as unknown as new () => State)());
    this.#classes.set(stateClass.name, stateClass);
  }

  has(stateClass: StateClass): boolean {
    return this.#classes.get(stateClass.name) === stateClass;
  }

  nameOf(stateClass: StateClass): string {
    if (!this.has(stateClass)) {
      throw new Error(
        `State ${stateClass.name} is not registered: add it to hyperstate({ states: [...] })`,
      );
    }
    return stateClass.name;
  }

  /** `"Counter.increment"` -> the handler, or undefined for anything else. */
  resolve(name: string): ResolvedHandler | undefined {
    const match = HANDLER_NAME.exec(name);
    if (!match) return undefined;
    const [, stateName, method] = match as unknown as [string, string, string];
    const stateClass = this.#classes.get(stateName);
    if (!stateClass || !isHandlerName(stateClass, method)) return undefined;
    const handler = (stateClass.prototype as any)[method] as Function;
    return { stateClass, stateName, method, background: isBackground(handler) };
  }
}

/** Public async methods declared by the subclass (not State's own, not `_private`). */
function isHandlerName(stateClass: StateClass, method: string): boolean {
  if (method.startsWith("_") || method in State.prototype) return false;
  for (let proto = stateClass.prototype; proto && proto !== State.prototype; proto = Object.getPrototypeOf(proto)) {
    const descriptor = Object.getOwnPropertyDescriptor(proto, method);
    if (descriptor) return typeof descriptor.value === "function" && isAsync(descriptor.value);
  }
  return false;
}

function isAsync(fn: Function): boolean {
  return fn.constructor.name === "AsyncFunction" || fn.constructor.name === "AsyncGeneratorFunction";
}

/** A fresh instance with the saved fields laid over its defaults. */
export function instantiate<T extends State>(stateClass: StateClass<T>, data: StateData | undefined): T {
  const instance = new (stateClass as unknown as new () => T)();
  if (data === undefined) return instance;
  const saved = decodeFields(data);
  // Only fields the class still declares: a saved session outlives a code change.
  for (const key of Object.keys(instance)) {
    if (Object.hasOwn(saved, key)) (instance as any)[key] = saved[key];
  }
  return instance;
}

/** The instance's public fields, encoded: a Date stays a Date, a Map a Map. Throws naming a field it cannot keep. */
export function snapshot(instance: State): StateData {
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(instance)) {
    if (!key.startsWith("_")) fields[key] = value;
  }
  return encodeFields(instance.constructor.name, fields);
}
