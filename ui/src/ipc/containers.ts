/** Containers (backend `ipc/containers.rs`): actions, rename, inspect, logs. */
import { call } from "./core";
import { subscribe, type Stream } from "./stream";
import type { ActionResult } from "./bindings/ActionResult";
import type { ContainerAction } from "./bindings/ContainerAction";
import type { ContainerDetails } from "./bindings/ContainerDetails";
import type { LogLine } from "./bindings/LogLine";
import type { LogRequest } from "./bindings/LogRequest";
import type { ContainerId } from "./bindings/ContainerId";

export type { ActionResult, ContainerAction, ContainerDetails, ContainerId, LogLine, LogRequest };
export type { ContainerState } from "./bindings/ContainerState";
export type { ContainerSummary } from "./bindings/ContainerSummary";
export type { LogStream } from "./bindings/LogStream";
export type { PortMapping } from "./bindings/PortMapping";

/** Does `action` to every target (IDs); one result per target, in order, failures included. */
export function containerAction(targets: ContainerId[], action: ContainerAction): Promise<ActionResult[]> {
  return call<ActionResult[]>("container_action", { targets, action });
}

/** Renames a container; resolves with the equivalent `docker rename` command. */
export function renameContainer(target: ContainerId, newName: string): Promise<string> {
  return call<string>("rename_container", { target, newName });
}

export function inspectContainer(id: ContainerId): Promise<ContainerDetails> {
  return call<ContainerDetails>("inspect_container", { id });
}

/** Streams a container's logs in batches until the log ends or the stream is stopped. */
export function containerLogs(id: ContainerId, request: LogRequest, onLines: (batch: LogLine[]) => void): Stream<void> {
  return subscribe<void>("container_logs", { id, request }, { onLines });
}

/** Saves every line `request` selects to the Downloads folder; resolves with the file's path. */
export function saveLogs(id: ContainerId, name: string, request: LogRequest): Promise<string> {
  return call<string>("save_logs", { id, name, request });
}
