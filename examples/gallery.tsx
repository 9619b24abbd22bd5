// examples/gallery.tsx — `bun examples/gallery.tsx`, then open http://localhost:3000
import { Elysia } from "elysia";
import { join } from "node:path";
import { Button, events, hyperstate, Image, Input, State, Text, Upload, UploadFile, uploadFiles, getUploadDir, getUploadUrl, type PageContext } from "hyperstate";

class Gallery extends State {
  static on = events(this); // typed: Gallery.on.upload(...) checks the handler's name and arguments
  title = "My photos";
  images: string[] = [];
  async rename(title: string) {
    this.title = title;
  }
  async upload(files: UploadFile[]) {
    for (const file of files) {
      await file.moveTo(join(getUploadDir(), file.name));
      this.images.push(file.name);
    }
  }
}

const GalleryPage = ({ use }: PageContext) => (
  <main>
    <Text as="h1" safe>{use(Gallery).title}</Text>
    <Input name="title" label="Album title" value={use(Gallery).title} onChange={Gallery.on.rename} />
    <Upload id="photos" accept={{ "image/*": [".png", ".jpg"] }} maxSize={5 * 1024 * 1024} />
    <Button onClick={Gallery.on.upload(uploadFiles("photos"))}>Upload</Button>
    {use(Gallery).images.map((name) => <Image src={getUploadUrl(name)} alt={name} />)}
  </main>
);

new Elysia({ serve: { maxRequestBodySize: 1024 ** 3 } }).use(hyperstate({ states: [Gallery], pages: { "/": GalleryPage } })).listen(3000);
