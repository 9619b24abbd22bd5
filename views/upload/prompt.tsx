import { Text, VStack } from "hyperstate";

/** The colour of Reflex's upload examples (rgb(107,99,246)), a shade darker: 4.9:1 on white, past WCAG AA's 4.5:1 for text. */
export const color = "rgb(99,91,240)";

/**
 * What Reflex's examples put inside the zone: a "Select File" button and a
 * line of help. The button is only drawn as one: the zone around it is the
 * control (a button inside a button is two controls in one for a screen reader).
 */
export function SelectFilePrompt() {
  return (
    <VStack align="center">
      <Text as="span" class="hs-button" color={color} bg="white" border={`1px solid ${color}`}>
        Select File
      </Text>
      <Text>Drag and drop files here or click to select files</Text>
    </VStack>
  );
}
