import path from "node:path";
import { getDataDir } from "../data-dir";
import type { RedisUrlSource } from "../redis";
import { MemoryChangeBus, type ChangeBus } from "../stream/pubsub";
import { RedisChangeBus } from "../stream/redis-bus";
import { KeyedLock, type SessionLock } from "./lock";
import { RedisLock } from "./redis-lock";
import { RedisStore } from "./redis-store";
import { SqliteStore } from "./sqlite-store";
import type { SessionStore } from "./store";

/** Where sessions live, how changes reach other tabs, and what keeps one session's handlers apart. */
export interface Backends {
  sessionStore: SessionStore;
  changeBus: ChangeBus;
  lock: SessionLock;
}

export interface BackendOptions extends Partial<Backends> {
  /** Keep sessions, changes and locks in this Redis, shared by every instance. @default env REDIS_URL */
  redisUrl?: string;
}

/**
 * Fills in what the options leave out. With a Redis URL (option or env
 * REDIS_URL): Redis for all three, so any instance may serve any request.
 * Without: sessions in SQLite under the data directory, an in-process bus
 * and lock (one process, and a restart loses nothing).
 */
export function chooseBackends(options: BackendOptions): Backends {
  const url = options.redisUrl ?? process.env.REDIS_URL;
  if (url) {
    const source: RedisUrlSource = options.redisUrl ? "the redisUrl option" : "REDIS_URL";
    return {
      sessionStore: options.sessionStore ?? new RedisStore({ url, source }),
      changeBus: options.changeBus ?? new RedisChangeBus({ url, source }),
      lock: options.lock ?? new RedisLock({ url, source }),
    };
  }
  return {
    sessionStore: options.sessionStore ?? new SqliteStore({ path: path.join(getDataDir(), "sessions.sqlite") }),
    changeBus: options.changeBus ?? new MemoryChangeBus(),
    lock: options.lock ?? new KeyedLock(),
  };
}
