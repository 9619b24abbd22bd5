// Leases in this process: the conformance suite, every "instance" being the one locker.

import { ProcessLocker } from "../../../src/upload/tus";
import { lockerConformance } from "./locker.conformance";

lockerConformance("in-process", async (count) => {
  const locker = new ProcessLocker();
  return Array.from({ length: count }, () => locker);
});
