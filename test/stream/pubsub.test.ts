import { MemoryChangeBus } from "../../src/stream/pubsub";
import { changeBusConformance } from "./change-bus.conformance";

// One process: every "instance" is the same bus.
changeBusConformance("memory", async (count) => {
  const bus = new MemoryChangeBus();
  return Array.from({ length: count }, () => bus);
});
