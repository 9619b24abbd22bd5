// The SHA-256 of each chunk, off the page's main thread: reading 8 MiB of a
// file into memory and hashing it would otherwise stall the page each chunk.
// A module worker of its own (served as /_hyperstate/hash-worker.js), so it
// imports nothing.

export interface HashRequest {
  id: number;
  chunk: Blob;
}

export type HashAnswer = { id: number; digest: string } | { id: number; error: string };

addEventListener("message", async (event) => {
  const { id, chunk } = (event as MessageEvent<HashRequest>).data;
  let answer: HashAnswer;
  try {
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", await chunk.arrayBuffer()));
    answer = { id, digest: btoa(String.fromCharCode(...digest)) };
  } catch (error) {
    answer = { id, error: String(error) };
  }
  postMessage(answer);
});
