// An existing Elysia site that adds one upload form to a page it renders
// itself. Run it with `bun examples/existing-site.tsx` and open
// http://localhost:3001/contact. It works with JavaScript off too.
import Html from "@kitajs/html";
import { Elysia } from "elysia";
import { join } from "node:path";
import { Button, events, getUploadDir, hyperstate, State, Upload, UploadFile, uploadFiles } from "hyperstate";

class Attachments extends State {
  static on = events(this);
  names: string[] = [];

  async attach(files: UploadFile[]) {
    for (const file of files) {
      await file.moveTo(join(getUploadDir(), "attachments", file.name));
      this.names.push(file.name);
    }
  }
}

// No pages of its own: hyperstate only serves its endpoints and renders the form.
const uploads = hyperstate({ states: [Attachments], pages: {} });

export const site = new Elysia({ serve: { maxRequestBodySize: 1024 ** 3 } })
  .use(uploads)
  .get("/", () => Response.redirect("/contact", 302))
  .get("/contact", async ({ request }) => {
    const form = await uploads.render(request, ({ use }) => (
      <section>
        <Upload id="attachment" maxFiles={3} maxSize={10 * 1024 * 1024} />
        <Button onClick={Attachments.on.attach(uploadFiles("attachment"))}>Attach</Button>
        <ul id="attached">
          {use(Attachments).names.map((name) => (
            <li safe>{name}</li>
          ))}
        </ul>
      </section>
    ));
    const page = `<!doctype html><html><head><title>Contact us</title>${form.head}</head><body><h1>Contact us</h1><p>Our own page, our own markup.</p>${form.html}</body></html>`;
    return new Response(page, { headers: form.headers });
  });

if (import.meta.main) {
  const port = Number(process.env.PORT ?? 3001);
  site.listen({ port, hostname: "localhost" });
  console.log(`existing site on http://localhost:${port}/contact`);
}
