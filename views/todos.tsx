import { Button, Checkbox, events, fieldErrors, Form, HStack, Input, State, Text, VStack, type PageContext } from "hyperstate";

interface Todo {
  id: number;
  text: string;
  done: boolean;
}

export class TodoState extends State {
  static on = events(this);
  items: Todo[] = [];
  nextId = 1;

  async add(fields: { text: string }) {
    const text = String(fields.text ?? "").trim();
    if (!text) return fieldErrors(fields, { text: "Write something to add" });
    this.items.push({ id: this.nextId++, text, done: false });
  }

  async setDone(id: number, fields: { done: boolean }) {
    const item = this.items.find((todo) => todo.id === id);
    if (item) item.done = fields.done === true;
  }

  async remove(id: number) {
    this.items = this.items.filter((todo) => todo.id !== id);
  }
}

export function TodosPage({ use }: PageContext) {
  const { items } = use(TodoState);
  const left = items.filter((todo) => !todo.done).length;
  return (
    <VStack padding="1rem" maxWidth="32rem">
      <Text as="h1">Todos</Text>
      <Form onSubmit={TodoState.on.add}>
        <Input name="text" label="New todo" placeholder="What needs doing?" autocomplete="off" />
        <Button type="submit">Add</Button>
      </Form>
      <ul class="todo-list">
        {items.map((todo) => (
          <li>
            <HStack>
              {/* Without JavaScript a box is saved with its own button; with it, on change. */}
              <Form onSubmit={TodoState.on.setDone.bind(null, todo.id)}>
                <HStack>
                  <Checkbox id={`todo-${todo.id}`} name="done" label={todo.text} checked={todo.done} onChange={(done) => TodoState.on.setDone(todo.id, { done })} />
                  <Button type="submit" aria-label={`Save ${todo.text}`} data-hs-noscript="">
                    Save
                  </Button>
                </HStack>
              </Form>
              <Button onClick={TodoState.on.remove(todo.id)} aria-label={`Remove ${todo.text}`}>
                Remove
              </Button>
            </HStack>
          </li>
        ))}
      </ul>
      <Text id="todo-count" role="status" aria-live="polite" safe>{`${left} left`}</Text>
      <a href="/">All demos</a>
    </VStack>
  );
}
