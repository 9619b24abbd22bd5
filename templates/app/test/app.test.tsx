import { expect, test } from "bun:test";
import { app } from "../src/app";

test("the home page shows the upload zone and how many files were uploaded", async () => {
  const response = await app().handle(new Request("http://localhost/"));
  expect(response.status).toBe(200);
  const html = await response.text();
  expect(html).toContain('aria-label="Upload files"');
  expect(html).toContain("0 files uploaded");
});
