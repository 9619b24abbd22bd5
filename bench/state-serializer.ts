// Encoding a session's state for a store and back: devalue against superjson,
// both relative to the JSON round trip hyperstate used before (which turns a
// Date into a string and a Map or Set into {}), in one process, one after the
// other, the median of several rounds.
//
//   bun bench/state-serializer.ts [--items N] [--rounds N]
//
// "to store and back" is what an event does: the saved state is decoded into
// a fresh instance, the handler runs, the instance is encoded again. The
// encoded form must be a JSON value (any store can JSON.stringify it), so
// devalue's string is parsed once (JSON.parse(devalue.stringify(x))) and
// decoded with devalue.unflatten, and superjson's { json, meta } is used as is.

import * as devalue from "devalue";
import superjson from "superjson";

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : Number(args[i + 1]);
};
const itemCount = option("--items", 50);
const rounds = option("--rounds", 5);

/** A todo list with dates, a set of tags and a map of counts: a typical page's state. */
function typicalState() {
  const items = Array.from({ length: itemCount }, (_, i) => ({
    id: i,
    text: `Todo number ${i}, with a little text`,
    done: i % 3 === 0,
    created: new Date(1_764_000_000_000 + i * 60_000),
    tags: new Set(["home", i % 2 ? "work" : "later"]),
  }));
  return { items, filter: "all", draft: "", counts: new Map([["home", itemCount], ["work", itemCount / 2]]), lastSaved: new Date(), owner: undefined };
}

type Codec = { name: string; encode: (state: unknown) => unknown; decode: (stored: unknown) => unknown };

const codecs: Codec[] = [
  { name: "JSON (before: loses Date, Map, Set)", encode: (s) => JSON.parse(JSON.stringify(s)), decode: (d) => structuredClone(d) },
  { name: "devalue", encode: (s) => JSON.parse(devalue.stringify(s)), decode: (d) => devalue.unflatten(d as number) },
  { name: "devalue, kept as its string", encode: (s) => devalue.stringify(s), decode: (d) => devalue.parse(d as string) },
  { name: "superjson", encode: (s) => superjson.serialize(s), decode: (d) => superjson.deserialize(d as never) },
];

function opsPerSecond(codec: Codec, state: unknown): number {
  const deadline = performance.now() + 500;
  let ops = 0;
  let stored = codec.encode(state);
  while (performance.now() < deadline) {
    for (let i = 0; i < 100; i++) stored = codec.encode(codec.decode(stored));
    ops += 100;
  }
  return ops / 0.5;
}

const state = typicalState();
// Check each codec before timing it: a fast one that loses the types is no answer.
for (const codec of codecs.slice(1)) {
  const back = codec.decode(JSON.parse(JSON.stringify(codec.encode(state)))) as ReturnType<typeof typicalState>;
  if (!(back.items[1]!.created instanceof Date) || !(back.counts instanceof Map) || !(back.items[1]!.tags instanceof Set)) {
    throw new Error(`${codec.name} lost a type`);
  }
}
const sizes = codecs.map((codec) => JSON.stringify(codec.encode(state)).length);
const results = codecs.map(() => [] as number[]);
for (let round = 0; round < rounds; round++) {
  codecs.forEach((codec, i) => results[i]!.push(opsPerSecond(codec, state)));
}
const median = (values: number[]) => values.toSorted((a, b) => a - b)[Math.floor(values.length / 2)]!;
const baseline = median(results[0]!);
console.log(`state of ${itemCount} todos, ${rounds} rounds of 0.5 s, Bun ${Bun.version}`);
console.log("| codec | decode + encode per second | ratio to JSON | stored size (JSON text) |");
console.log("|---|---:|---:|---:|");
codecs.forEach((codec, i) => {
  const ops = median(results[i]!);
  console.log(`| ${codec.name} | ${Math.round(ops).toLocaleString("en")} | ${(ops / baseline).toFixed(2)} | ${sizes[i]!.toLocaleString("en")} B |`);
});
