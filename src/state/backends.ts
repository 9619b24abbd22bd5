import path from "node:path";
import { getDataDir } from "../data-dir";
import { MemoryChangeBus, type ChangeBus } from "../stream/pubsub";
import { KeyedLock, type SessionLock } from "./lock";
import { SqliteStore } from "./sqlite-store";
import type { SessionStore } from "./store";

/** Where sessions live, how changes reach other tabs, and what keeps one session's handlers apart. */
export interface Backends {
  sessionStore: SessionStore;
  changeBus: ChangeBus;
  lock: SessionLock;
}

export interface BackendOptions extends Partial<Backends> {}

/**
 * Fills in what the options leave out. Nothing configured: sessions in
 * SQLite under the data directory, an in-process bus and lock (one process,
 * and a restart loses nothing).
 */
export function chooseBackends(options: BackendOptions): Backends {
  return {
    sessionStore: options.sessionStore ?? new SqliteStore({ path: path.join(getDataDir(), "sessions.sqlite") }),
    changeBus: options.changeBus ?? new MemoryChangeBus(),
    lock: options.lock ?? new KeyedLock(),
  };
}
