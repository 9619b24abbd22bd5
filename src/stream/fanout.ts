import { ACTIONS_EVENT } from "../protocol";
import type { StreamHub } from "./hub";
import type { SessionChange } from "./pubsub";

/** Renders a page of a session, as its open tab shows it. */
export type TabRenderer = (sessionId: string, page: URL, error?: string) => Promise<string>;

/**
 * Pushes a change to every open tab of its session but the one it came from:
 * each page rendered once, however many tabs show it, then the client
 * actions the change carries.
 */
export async function pushToTabs(hub: StreamHub, render: TabRenderer, change: SessionChange): Promise<void> {
  const tabs = hub.tabsOf(change.sessionId).filter((tab) => tab.tabId !== change.exceptTab);
  const renders = new Map<string, Promise<string>>();
  for (const tab of tabs) {
    let rendering = renders.get(tab.page);
    if (!rendering) {
      rendering = render(change.sessionId, new URL(tab.page), change.error);
      renders.set(tab.page, rendering);
    }
    try {
      tab.send({ data: await rendering });
      if (change.actions?.length) tab.send({ event: ACTIONS_EVENT, data: JSON.stringify(change.actions) });
    } catch (error) {
      console.error("Could not push a render to a tab:", error);
    }
  }
}
