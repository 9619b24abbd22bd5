// Prints "<tests> <failures+errors>" from a JUnit XML report (the root <testsuites> totals).
export {};
const path = process.argv[2] ?? "test-results/junit.xml";
const file = Bun.file(path);
if (!(await file.exists())) {
  console.log("0 1");
  process.exit(0);
}
const xml = await file.text();
const root = /<testsuites\b[^>]*>/.exec(xml)?.[0] ?? "";
const count = (name: string) => Number(new RegExp(`\\b${name}="(\\d+)"`).exec(root)?.[1] ?? 0);
console.log(`${count("tests") - count("skipped")} ${count("failures") + count("errors")}`);
