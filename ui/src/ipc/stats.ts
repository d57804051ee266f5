/** Live stats (backend `ipc/stats.rs`): the watch stream and the CSV export. */
import { call } from "./core";
import { subscribe, type Stream } from "./stream";
import type { StatsBatch } from "./bindings/StatsBatch";
import type { Watch } from "./bindings/Watch";
import type { ContainerId } from "./bindings/ContainerId";

export type { StatsBatch, Watch };
export type { HostPoint } from "./bindings/HostPoint";
export type { StatsPoint } from "./bindings/StatsPoint";
export type { StatsUpdate } from "./bindings/StatsUpdate";

/**
 * Streams stats of `watch.ids` (of every running container too with `all`, of this computer
 * too with `host`): first their history, then one batch per tick, until stopped.
 */
export function watchStats(watch: Watch, onBatch: (batch: StatsBatch) => void): Stream<void> {
  return subscribe<void>("watch_stats", { watch }, { onBatch });
}

/** Saves a container's stats history as CSV to the Downloads folder; resolves with the file's path. */
export function exportStats(id: ContainerId, name: string): Promise<string> {
  return call<string>("export_stats", { id, name });
}
