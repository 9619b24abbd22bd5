import { Database } from "bun:sqlite";
import { afterAll, describe, expect, setSystemTime, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { SessionFileError, SqliteStore } from "../../src/state/sqlite-store";
import { sessionStoreConformance } from "./session-store.conformance";

const root = mkdtempSync(path.join(os.tmpdir(), "hs-sqlite-store-"));
let files = 0;
const newFile = () => path.join(root, `sessions-${++files}.sqlite`);

afterAll(() => rmSync(root, { recursive: true, force: true }));

sessionStoreConformance("SQLite", async (bounds) => new SqliteStore({ path: newFile(), ...bounds }));

describe("SqliteStore", () => {
  test("a store reopened on the same file has every session saved before it closed", async () => {
    const file = newFile();
    const first = new SqliteStore({ path: file });
    await first.set("a", { Counter: { count: 3 } });
    await first.set("b", { Counter: { count: 4 } });
    await first.close();
    const second = new SqliteStore({ path: file });
    expect(await second.get("a")).toEqual({ Counter: { count: 3 } });
    expect(await second.get("b")).toEqual({ Counter: { count: 4 } });
    await second.close();
  });

  test("a read's renewal is written to the file by the time the store closes", async () => {
    const file = newFile();
    const first = new SqliteStore({ path: file, ttlMs: 1000 });
    setSystemTime(new Date(10_000));
    await first.set("a", { Counter: { count: 1 } });
    setSystemTime(new Date(10_600));
    expect(await first.get("a")).toEqual({ Counter: { count: 1 } });
    await first.close();
    // 1.2 s after the save, 0.6 s after the read: alive only if the read's renewal reached the file.
    setSystemTime(new Date(11_200));
    const second = new SqliteStore({ path: file, ttlMs: 1000 });
    expect(await second.get("a")).toEqual({ Counter: { count: 1 } });
    await second.close();
    setSystemTime();
  });

  test("two stores on one file see each other's saves (two processes, or a reload overlapping the old one)", async () => {
    const file = newFile();
    const [one, two] = [new SqliteStore({ path: file }), new SqliteStore({ path: file })];
    await one.set("a", { Counter: { count: 1 } });
    expect(await two.get("a")).toEqual({ Counter: { count: 1 } });
    await Promise.all([one.close(), two.close()]);
  });

  test("keeps the database in WAL mode", async () => {
    const file = newFile();
    const store = new SqliteStore({ path: file });
    await store.set("a", {});
    const db = new Database(file, { readonly: true });
    expect(db.query<{ journal_mode: string }, []>("PRAGMA journal_mode").get()?.journal_mode).toBe("wal");
    db.close();
    await store.close();
  });

  test("a sweep deletes expired sessions from the file", async () => {
    const file = newFile();
    const store = new SqliteStore({ path: file, ttlMs: 1000 });
    await store.set("a", {});
    store.sweep(Date.now() + 2000);
    await store.close();
    const db = new Database(file, { readonly: true });
    expect(db.query<{ n: number }, []>("SELECT COUNT(*) AS n FROM sessions").get()?.n).toBe(0);
    db.close();
  });

  test("a file that is not SQLite is refused with an error naming it, and left as it was", () => {
    const file = newFile();
    writeFileSync(file, "my notes, not a database\n".repeat(200));
    const before = readFileSync(file);
    expect(() => new SqliteStore({ path: file })).toThrow(SessionFileError);
    expect(() => new SqliteStore({ path: file })).toThrow(`The session database ${file} cannot be opened`);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  test("another program's SQLite database is refused with an error naming it, and its tables are kept", () => {
    const file = newFile();
    const foreign = new Database(file);
    foreign.run("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)");
    foreign.run("INSERT INTO invoices (total) VALUES (12.5)");
    foreign.close();
    expect(() => new SqliteStore({ path: file })).toThrow(`The session database ${file} belongs to another program`);
    const reopened = new Database(file, { readonly: true });
    expect(reopened.query("SELECT total FROM invoices").all()).toEqual([{ total: 12.5 }]);
    expect(reopened.query("SELECT name FROM sqlite_schema WHERE name = 'sessions'").all()).toEqual([]);
    reopened.close();
  });

  test("a damaged session database is refused with an error naming it, never emptied", async () => {
    const file = newFile();
    const store = new SqliteStore({ path: file });
    for (let i = 0; i < 200; i++) await store.set(`session-${i}`, { Notes: { text: "x".repeat(500) } });
    await store.close();
    // Overwrite a page in the middle of the file (the header stays intact).
    const bytes = readFileSync(file);
    bytes.fill(0xa5, 4096 * 3, 4096 * 5);
    writeFileSync(file, bytes);
    expect(() => new SqliteStore({ path: file })).toThrow(new RegExp(`The session database ${file.replace(/[.]/g, "\\.")} (is damaged|cannot be opened)`));
    expect(readFileSync(file).equals(bytes)).toBe(true);
  });
});
