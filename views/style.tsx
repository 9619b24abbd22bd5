import Html from "@kitajs/html";
import type { Page } from "hyperstate";

/**
 * The demo's own look. hyperstate's CSS leaves a host page's body alone, so
 * the demo, which owns its pages, styles them itself.
 */
export const withDemoStyle =
  (page: Page): Page =>
  (context) => (
    <>
      <style>{"body { font-family: system-ui, sans-serif; margin: 0; padding: 2rem; color: #1f2937; }"}</style>
      {page(context)}
    </>
  );
