import { events, getUploadUrl, Grid, Image, State, Text, Upload, UploadFile, uploadFiles, VStack, type PageContext } from "hyperstate";
import { color, SelectFilePrompt } from "./prompt";
import { saveToUploadDir } from "./save";

/** Reflex's customised example: an accept map, at most 5 files, no keyboard, upload on drop. */
export class CustomizedUpload extends State {
  static on = events(this);
  img: string[] = [];

  async handleUpload(files: UploadFile[]) {
    this.img.push(...(await saveToUploadDir(files)));
  }
}

export function CustomizedPage({ use }: PageContext) {
  const state = use(CustomizedUpload);
  return (
    <VStack padding="5em">
      <Upload
        id="upload2"
        multiple
        accept={{
          "application/pdf": [".pdf"],
          "image/png": [".png"],
          "image/jpeg": [".jpg", ".jpeg"],
          "image/gif": [".gif"],
          "image/webp": [".webp"],
          "text/html": [".html", ".htm"],
        }}
        maxFiles={5}
        disabled={false}
        noKeyboard
        onDrop={CustomizedUpload.on.handleUpload(uploadFiles("upload2"))}
        border={`1px dotted ${color}`}
        padding="5em"
      >
        <SelectFilePrompt />
      </Upload>
      <Grid columns="2" spacing="1">
        {state.img.map((name) => (
          <VStack>
            <Image src={getUploadUrl(name)} alt={name} />
            <Text safe>{name}</Text>
          </VStack>
        ))}
      </Grid>
    </VStack>
  );
}
