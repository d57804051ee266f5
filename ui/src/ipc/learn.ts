/** Learning Docker (backend `ipc/learn.rs`): the CLI equivalent of actions, writable layers,
 *  what keeps a container alive. */
import { call } from "./core";
import type { CliCommand } from "./bindings/CliCommand";
import type { ContainerLife } from "./bindings/ContainerLife";
import type { DemoOutcome } from "./bindings/DemoOutcome";
import type { DockerCommand } from "./bindings/DockerCommand";
import type { WritableLayer } from "./bindings/WritableLayer";
import type { ContainerId } from "./bindings/ContainerId";

export type { CliCommand, ContainerLife, DemoOutcome, DockerCommand, WritableLayer };
export type { ChangeKind } from "./bindings/ChangeKind";
export type { FileChange } from "./bindings/FileChange";

/** The `docker` command equivalent to each action (rendered by the backend, quoted for a shell). */
export function dockerCommands(commands: DockerCommand[]): Promise<CliCommand[]> {
  return call<CliCommand[]>("docker_commands", { commands });
}

/** A container's writable layer: `docker diff` and its size (`docker inspect --size`). */
export function writableLayer(id: ContainerId): Promise<WritableLayer> {
  return call<WritableLayer>("writable_layer", { id });
}

/** A container's processes (`docker top`), memory in use and start time. */
export function containerLife(id: ContainerId): Promise<ContainerLife> {
  return call<ContainerLife>("container_life", { id });
}

/** The guided demonstration: writes `text` to `path` in a running container, returns its layer. */
export function demoWriteFile(id: ContainerId, path: string, text: string): Promise<DemoOutcome> {
  return call<DemoOutcome>("demo_write_file", { id, path, text });
}
