import { background, Button, events, HStack, Progress, State, Text, VStack, type PageContext } from "hyperstate";

export class CounterState extends State {
  static on = events(this);
  count = 0;
  taskStatus = "idle";
  taskProgress = 0;

  async increment(by: number) {
    this.count += by;
  }

  async reset() {
    this.count = 0;
  }

  /** Ticks ten times in the background; each step reaches every tab over SSE. */
  @background
  async runTask() {
    await this.update((s) => {
      s.taskStatus = "running";
      s.taskProgress = 0;
    });
    for (let step = 1; step <= 10; step++) {
      await Bun.sleep(200);
      await this.update((s) => {
        s.taskProgress = step * 10;
      });
    }
    await this.update((s) => {
      s.taskStatus = "done";
    });
  }
}

export function CounterPage({ use }: PageContext) {
  const state = use(CounterState);
  return (
    <VStack padding="1rem" maxWidth="32rem">
      <Text as="h1">Counter</Text>
      <HStack>
        <Button onClick={CounterState.on.increment(-1)}>-1</Button>
        <Text as="strong" id="count" safe>{String(state.count)}</Text>
        <Button onClick={CounterState.on.increment(1)}>+1</Button>
        <Button onClick={CounterState.on.reset()}>Reset</Button>
      </HStack>
      <Text as="h2">Background task</Text>
      <Button onClick={CounterState.on.runTask()} disabled={state.taskStatus === "running"}>
        Start task
      </Button>
      <Text id="task-status" safe>{`Status: ${state.taskStatus}`}</Text>
      <Progress value={state.taskProgress} label="Task progress" />
      <a href="/">All demos</a>
    </VStack>
  );
}
