import { KeyedLock } from "../../src/state/lock";
import { sessionLockConformance } from "./session-lock.conformance";

// One process: every "instance" is the same lock.
sessionLockConformance("in-process", async (count) => {
  const lock = new KeyedLock();
  return Array.from({ length: count }, () => lock);
});
