// @tus/server with @tus/file-store on Node, as its README sets it up: the
// peer the `tus` scenario measures hyperstate's /_tus against.
//   node bench/servers/tus-node.mjs <port> <upload dir>
// Uploads are stored as <dir>/<id> (and <id>.json); Location is /files/<id>.

import http from "node:http";
import { FileStore } from "@tus/file-store";
import { Server } from "@tus/server";

const port = Number(process.argv[2] ?? 0);
const directory = process.argv[3];
if (!directory) throw new Error("usage: node bench/servers/tus-node.mjs <port> <upload dir>");

const tus = new Server({ path: "/files", datastore: new FileStore({ directory }) });
const server = http.createServer((req, res) => tus.handle(req, res));
server.listen(port, "127.0.0.1", () => console.log(`listening http://127.0.0.1:${server.address().port}`));
