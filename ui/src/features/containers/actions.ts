/** Which container actions make sense in which state, and how results read. */
import type { ActionResult, ContainerAction, ContainerState } from "../../ipc/containers";
import { isUp } from "../../lib/format";

export type ActionKind = ContainerAction["kind"];

export const ACTION_LABELS: Record<ActionKind, string> = {
  start: "Start",
  stop: "Stop",
  restart: "Restart",
  pause: "Pause",
  unpause: "Unpause",
  kill: "Kill",
  remove: "Remove",
};

/** Whether `kind` applies to a container in `state` (the engine would refuse or no-op otherwise). */
export function actionApplies(kind: ActionKind, state: ContainerState): boolean {
  switch (kind) {
    case "start":
      return state === "created" || state === "exited" || state === "dead";
    case "stop":
    case "restart":
    case "kill":
      return isUp(state);
    case "pause":
      return state === "running";
    case "unpause":
      return state === "paused";
    case "remove":
      return state !== "removing";
  }
}

/** A running (or paused/restarting) container can only be removed with force. */
export function needsForce(state: ContainerState): boolean {
  return isUp(state);
}

/** `volumes`: remove also deletes the container's anonymous volumes (`docker rm -v`). */
export function toAction(kind: ActionKind, force = false, volumes = false): ContainerAction {
  return kind === "remove" ? { kind, force, volumes } : { kind };
}

/** The command a forced remove runs, as the backend renders it (`docker rm -f -v web-1`). */
export function forceRemoveLine(name: string, volumes: boolean): string {
  return removeLine(name, true, volumes);
}

/** The command a remove runs, as the backend renders it (`docker rm -v web-1`). */
export function removeLine(name: string, force: boolean, volumes: boolean): string {
  return `docker rm${force ? " -f" : ""}${volumes ? " -v" : ""} ${name}`;
}

export interface ResultsSummary {
  ok: number;
  failed: ActionResult[];
  /** Failed only because they run: "force?" can be offered for these. */
  conflicts: ActionResult[];
}

export function summarise(results: readonly ActionResult[]): ResultsSummary {
  const failed = results.filter((r) => r.error !== null);
  return { ok: results.length - failed.length, failed, conflicts: failed.filter((r) => r.conflict) };
}

/** What a row says while its container waits for `kind`. */
export const BUSY_LABELS: Record<ActionKind, string> = {
  start: "Starting…",
  stop: "Stopping…",
  restart: "Restarting…",
  pause: "Pausing…",
  unpause: "Resuming…",
  kill: "Killing…",
  remove: "Removing…",
};

/** Why a stop (or restart) can take a while, and what "Kill now" does about it. */
export function busyReason(kind: ActionKind, name: string): string {
  return kind === "stop" || kind === "restart"
    ? `Waiting for ${name} to exit: Docker sends SIGTERM, then SIGKILL once the stop timeout has passed ` +
        `(10 s unless the container sets its own). A program that ignores SIGTERM takes all of it. Kill now skips the wait.`
    : `Waiting for the engine to ${kind} ${name}.`;
}

/** Whether "Kill now" is offered while waiting for `kind`. */
export function killable(kind: ActionKind | undefined): boolean {
  return kind === "stop" || kind === "restart";
}
