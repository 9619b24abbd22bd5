import type { Send } from "./sse";

/** One open stream: a browser tab showing `page` (its full URL) for a session. */
export interface Tab {
  sessionId: string;
  tabId: string;
  page: string;
  send: Send;
}

/** The open streams of this process, by session. */
export class StreamHub {
  readonly #sessions = new Map<string, Set<Tab>>();

  /** Adds a tab; the returned function removes it. */
  add(tab: Tab): () => void {
    let tabs = this.#sessions.get(tab.sessionId);
    if (!tabs) this.#sessions.set(tab.sessionId, (tabs = new Set()));
    tabs.add(tab);
    return () => {
      tabs.delete(tab);
      if (tabs.size === 0 && this.#sessions.get(tab.sessionId) === tabs) this.#sessions.delete(tab.sessionId);
    };
  }

  tabsOf(sessionId: string): Tab[] {
    return [...(this.#sessions.get(sessionId) ?? [])];
  }

  /** Open streams in all sessions. */
  get size(): number {
    let count = 0;
    for (const tabs of this.#sessions.values()) count += tabs.size;
    return count;
  }
}
