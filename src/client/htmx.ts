import type { Htmx } from "htmx.org";

/** htmx comes from its own script tag, loaded before this one; read it when needed. */
export function htmxApi(): Htmx {
  return (globalThis as unknown as { htmx: Htmx }).htmx;
}
