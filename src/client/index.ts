// The browser script, bundled to public/ and loaded after htmx.
import { startClient } from "./client";

startClient();
