// One upload with tus-js-client 4 in Node, as a user's script runs it: the
// file handed over as an fs.ReadStream, which tus-js-client reads slice by
// slice from its path (nothing close to the whole file is held in memory).
//   node bench/tus-js-upload.mjs <endpoint> <file> <chunk bytes> '<{"headers":{},"metadata":{}}>'
// Prints one JSON line: {"seconds": <start() to onSuccess>, "url": <upload URL>}.

import { createReadStream } from "node:fs";
import * as tus from "tus-js-client";

const [endpoint, file, chunkSize, extra] = process.argv.slice(2);
if (!endpoint || !file || !chunkSize) throw new Error("usage: node bench/tus-js-upload.mjs <endpoint> <file> <chunk bytes> [options JSON]");
const { headers = {}, metadata = {} } = JSON.parse(extra ?? "{}");

const started = performance.now();
const upload = new tus.Upload(createReadStream(file), {
  endpoint,
  chunkSize: Number(chunkSize),
  headers,
  metadata,
  // A failure should fail the bench, not be retried into the timing.
  retryDelays: [],
  // Each run is a fresh upload: no fingerprint lookup, nothing resumed.
  storeFingerprintForResuming: false,
  onError(error) {
    console.error(String(error));
    process.exit(1);
  },
  onSuccess() {
    console.log(JSON.stringify({ seconds: (performance.now() - started) / 1000, url: upload.url }));
  },
});
upload.start();
