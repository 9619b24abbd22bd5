import { Button, Text, VStack } from "hyperstate";

/** The colour of Reflex's upload examples. */
export const color = "rgb(107,99,246)";

/** What Reflex's examples put inside the zone: a "Select File" button and a line of help. */
export function SelectFilePrompt() {
  return (
    <VStack align="center">
      <Button color={color} bg="white" border={`1px solid ${color}`}>
        Select File
      </Button>
      <Text>Drag and drop files here or click to select files</Text>
    </VStack>
  );
}
