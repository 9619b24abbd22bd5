import { Box, events, HStack, Icon, SelectedFiles, State, Text, Upload, UploadErrors, UploadFile, uploadFiles, VStack, type PageContext } from "hyperstate";
import { saveToUploadDir } from "./save";

/** Reflex's unstyled example: Upload.Root with the cloud icon, styled by hand, and its messages placed under the list. */
export class UnstyledUpload extends State {
  static on = events(this);
  saved: string[] = [];

  async handleUpload(files: UploadFile[]) {
    this.saved.push(...(await saveToUploadDir(files)));
  }
}

export function UnstyledPage({ use }: PageContext) {
  const state = use(UnstyledUpload);
  return (
    <VStack padding="2em">
      <Upload.Root
        id="my_upload"
        accept={{ "image/svg+xml": [".svg"], "image/png": [".png"], "image/jpeg": [".jpg", ".jpeg"], "image/gif": [".gif"] }}
        maxSize={5 * 1024 * 1024}
        onDrop={UnstyledUpload.on.handleUpload(uploadFiles("my_upload"))}
        style={{
          maxWidth: "24rem",
          height: "16rem",
          borderWidth: "2px",
          borderStyle: "dashed",
          borderColor: "#60a5fa",
          borderRadius: "0.75rem",
          cursor: "pointer",
          transitionProperty: "background-color",
          transitionDuration: "0.2s",
          transitionTimingFunction: "ease-in-out",
          display: "flex",
          alignItems: "center",
          justifyContent: "center",
          boxShadow: "0 1px 2px rgba(0, 0, 0, 0.05)",
        }}
      >
        <Box style={{ display: "flex", flexDirection: "column", alignItems: "center", justifyContent: "center", padding: "1.5rem", textAlign: "center" }}>
          <Icon tag="cloud_upload" style={{ width: "3rem", height: "3rem", color: "#2563eb", marginBottom: "0.75rem" }} />
          <HStack style={{ fontSize: "0.875rem", color: "#4b5563" }} spacing="1">
            <Text as="span" style={{ fontWeight: "bold", color: "#1d4ed8" }}>
              Click to upload
            </Text>
            <Text as="span">or drag and drop</Text>
          </HStack>
          <Text style={{ fontSize: "0.75rem", color: "#6b7280", marginTop: "0.25rem" }}>SVG, PNG, JPG or GIF (MAX. 5MB)</Text>
        </Box>
      </Upload.Root>
      <SelectedFiles id="my_upload" />
      {/* The zone's messages (a refused file) show here, under the list. */}
      <UploadErrors id="my_upload" />
      <ul id="saved">
        {state.saved.map((name) => (
          <li safe>{name}</li>
        ))}
      </ul>
    </VStack>
  );
}
