// Your own PyTorch model: a chosen or dropped file sent to POST /api/import, and its answer put in
// the store as the view's model (drawn with the `vectors` task, docs/api.md). A file over the
// server's body limit is refused here, before any of it is sent; every refusal of the API is shown
// as it says it (the key and the reason), in the store's `modelStatus`.

import { importModel } from "./api.js";
import { cellOf } from "./cells.js";
import { modelTopologies } from "./own-data.js";

const FORM_ROOM = 1024; // bytes of the multipart form around the file (its boundary, headers, name)

const megabytes = (bytes) => `${(bytes / 2 ** 20).toFixed(bytes < 2 ** 20 ? 2 : 1)} MB`;

export function createModelLoader(store, catalog) {
  let inFlight = null;

  /** Import `file` (a File); the model is drawn when the API accepts it. */
  async function load(file) {
    inFlight?.abort();
    const mine = new AbortController();
    inFlight = mine;
    const limit = catalog.limits.body_bytes;
    if (file.size + FORM_ROOM + new TextEncoder().encode(file.name).length > limit) {
      store.patch({ modelStatus: { kind: "failed", message: `${file.name} is ${megabytes(file.size)}: the server takes a model of at most ${megabytes(limit)} with its form (HTTP 413), so it was not sent.` } });
      return;
    }
    store.patch({ modelStatus: { kind: "reading", message: `Reading ${file.name}…` } });
    const relu = store.state.cell === "rnn-relu"; // an nn.RNN takes the nonlinearity chosen (its file cannot say)
    try {
      const sent = await importModel(file, null, { signal: mine.signal }); // the API's default, tanh: any cell takes it
      if (inFlight !== mine) return;
      const answer = sent.cell === "rnn" && relu ? { ...sent, activation: "relu" } : sent;
      const { state } = store;
      const where = modelTopologies(answer, catalog);
      store.patch({
        model: { name: file.name, answer }, modelStatus: { kind: "ready", message: "" },
        modelInputs: null, modelTargets: null, data: "model", trained: false, inputs: null, length: null,
        cell: cellOf(answer.cell, answer.activation).choice, hiddenSize: answer.hidden_size,
        topology: where.includes(state.topology) ? state.topology : where[0], t: 0, phase: "forward",
      });
    } catch (error) {
      if (mine.signal.aborted) return;
      const status = error.status ? ` (HTTP ${error.status})` : "";
      store.patch({ modelStatus: { kind: "failed", message: `${file.name} was refused${status}: ${error.message}` } });
    }
  }
  return { load };
}
