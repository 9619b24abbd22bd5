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

  /** Why `name` names no handler, in words that say what to change. */
  whyNoHandler(name: string): string {
    const match = /^([A-Za-z_$][\w$]*)\.([A-Za-z_$][\w$]*)$/.exec(name);
    if (!match) return `${JSON.stringify(name)} is not a handler name: handlers are named State.method`;
    const [, stateName, method] = match as unknown as [string, string, string];
    const stateClass = this.#classes.get(stateName);
    if (!stateClass) {
      return `No state named ${stateName} is registered: add its class to hyperstate({ states: [...] }) (known: ${[...this.#classes.keys()].join(", ") || "none"})`;
    }
    if (method.startsWith("_")) return `${stateName}.${method} is private (it starts with _), not a handler`;
    const handlers = handlerNames(stateClass);
    return `${stateName} has no handler named ${method}: its handlers are its public methods (${handlers.join(", ") || "none"})`;
  }
}

/** Public methods declared by the subclass, async or not (not State's own, not `_private`). */
function isHandlerName(stateClass: StateClass, method: string): boolean {
  if (method.startsWith("_") || method in State.prototype) return false;
  for (let proto = stateClass.prototype; proto && proto !== State.prototype; proto = Object.getPrototypeOf(proto)) {
    const descriptor = Object.getOwnPropertyDescriptor(proto, method);
    if (descriptor) return typeof descriptor.value === "function";
  }
  return false;
}

function handlerNames(stateClass: StateClass): string[] {
  const names = new Set<string>();
  for (let proto = stateClass.prototype; proto && proto !== State.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const name of Object.getOwnPropertyNames(proto)) if (isHandlerName(stateClass, name)) names.add(name);
  }
  return [...names].sort();
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
