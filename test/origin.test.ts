import { expect, test } from "bun:test";
import { Elysia } from "elysia";
import { events, hyperstate, State } from "../src/index";
import { asBrowserSent, refuseCrossSite } from "../src/origin";

class Tally extends State {
  static on = events(this);
  count = 0;
  async add() {
    this.count += 1;
  }
}

const page = () => "<p>tally</p>";

test("a request behind a TLS proxy is read with its public origin when the app trusts the proxy", () => {
  const request = new Request("http://10.0.0.5:3000/_event/Tally.add", {
    method: "POST",
    headers: { "X-Forwarded-Proto": "https", "X-Forwarded-Host": "shop.example", Origin: "https://shop.example" },
  });
  expect(() => refuseCrossSite(request)).toThrow();
  expect(() => refuseCrossSite(asBrowserSent(request))).not.toThrow();
});

test("a forwarded host with characters a host cannot hold is ignored", () => {
  const request = new Request("http://127.0.0.1/x", { headers: { "X-Forwarded-Host": "evil.example/path" } });
  expect(new URL(asBrowserSent(request).url).host).toBe("127.0.0.1");
});

test("the session cookie is Secure behind a TLS proxy only with trustProxy", async () => {
  const headers = { "X-Forwarded-Proto": "https" };
  const trusting = new Elysia().use(hyperstate({ states: [Tally], pages: { "/": page }, trustProxy: true }));
  const plain = new Elysia().use(hyperstate({ states: [Tally], pages: { "/": page } }));
  const trusted = await trusting.handle(new Request("http://localhost/", { headers }));
  const untrusted = await plain.handle(new Request("http://localhost/", { headers }));
  expect(trusted.headers.get("Set-Cookie")).toContain("Secure");
  expect(untrusted.headers.get("Set-Cookie")).not.toContain("Secure");
});
