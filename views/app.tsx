import { hyperstate } from "hyperstate";
import { CounterPage, CounterState } from "./counter";
import { IndexPage } from "./index";

/** The demo app as a plugin, so tests can mount it on a free port. */
export const demo = () =>
  hyperstate({
    title: "hyperstate demo",
    states: [CounterState],
    pages: { "/": IndexPage, "/counter": CounterPage },
  });
