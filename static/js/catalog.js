// What the server offers, as the page uses it: the API's topologies, tasks, presets and limits
// (GET /api/topologies, /api/tasks, /api/presets, /api/limits), with the look-ups every page
// needs. Facts come from the API; nothing here restates a limit. No DOM.

import { cellByChoice } from "./cells.js";

/** The catalog from the four answers: topologies in the API's order (keys 1–5), tasks by id. */
export function makeCatalog({ topologies, tasks, presets, limits }) {
  return {
    topologies,
    tasks: Object.fromEntries(tasks.map((task) => [task.id, task])),
    presets,
    limits,
    topology(id) { return topologies.find((t) => t.id === id); },
    /** The task a topology ships with (its first). */
    taskOf(topologyId) { return this.tasks[this.topology(topologyId).tasks[0]]; },
    /** The shipped preset for a task and a cell choice, or null. */
    presetFor(taskId, choice) {
      const { cell, activation } = cellByChoice(choice);
      return presets.find((p) => p.config.task === taskId && p.config.cell === cell
        && p.config.activation === activation) || null;
    },
  };
}

/** A topology's short name: "Many to one"; "Many to many (encoder-decoder)" -> "Encoder–decoder". */
export function shortName(topology) {
  const [, base, detail] = topology.name.match(/^(.*?)(?: \((.*)\))?$/);
  if (!detail || detail === "aligned") return base;
  return `${detail[0].toUpperCase()}${detail.slice(1)}`.replace("-", "–");
}
