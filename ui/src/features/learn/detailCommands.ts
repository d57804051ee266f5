/** Which docker command each control of a container's detail pane is equivalent to. */
import type { DockerCommand } from "../../ipc/learn";
import type { ActionKind } from "../containers/actions";

export type DetailTab = "logs" | "stats" | "inspect" | "layers";

/** The command of a container action button (remove is `rm -f` only when forced). */
export function actionCommand(kind: ActionKind, container: string, force = false): DockerCommand {
  switch (kind) {
    case "remove":
      return { kind: "remove", container, force, volumes: false };
    default:
      return { kind, container };
  }
}

/** The command that shows what a tab shows. The logs tab opens on the last 1000 lines, following. */
export function tabCommand(tab: DetailTab, container: string): DockerCommand {
  switch (tab) {
    case "logs":
      return { kind: "logs", container, tail: 1000, timestamps: false, follow: true };
    case "stats":
      return { kind: "stats", containers: [container], no_stream: false };
    case "inspect":
      return { kind: "inspect", target: container, size: false };
    case "layers":
      return { kind: "diff", container };
  }
}
