// The least a React page with a react-dropzone zone ships: what Reflex's
// upload page needs in the browser at a minimum (its real page ships more).
// Plain JS with createElement, so no JSX setting of this repo applies.
import { createElement as h } from "react";
import { createRoot } from "react-dom/client";
import { useDropzone } from "react-dropzone";

function Upload() {
  const { getRootProps, getInputProps, acceptedFiles } = useDropzone({ multiple: true });
  return h(
    "div",
    null,
    h("div", getRootProps({ className: "dropzone" }), h("input", getInputProps()), h("p", null, "Drag and drop files here or click to select files")),
    h("ul", null, acceptedFiles.map((file) => h("li", { key: file.name }, file.name))),
  );
}

createRoot(document.getElementById("root")).render(h(Upload));
