/**
 * What a destructive action will do, said before it is done (issue #13): every object that
 * goes, by name (all of them: a long list scrolls, it is never cut to "and 40 more"), what
 * stays, and the exact docker commands. One shape for every confirm in the app (group
 * remove, scale-down, bulk container remove, image force-remove, prune, the tray's stop-all,
 * quitting during a launch); `ConfirmDestroy.svelte` shows it.
 */
import type { ContainerSummary } from "../../ipc/containers";
import type { PrunePreview } from "../../ipc/images";
import type { DockerCommand } from "../../ipc/learn";
import { forceRemoveLine, needsForce } from "../containers/actions";

/** One object named in the list, with an optional note (its state, its size). */
export interface Named {
  name: string;
  note?: string;
}

/** A titled list of what goes: "Containers (3)", "Tags (2)". */
export interface Section {
  title: string;
  items: Named[];
}

export interface DestroyPlan {
  title: string;
  /** What happens, in one or two sentences. */
  lead: string;
  sections: Section[];
  /** What stays, said out loud ("Named volumes stay."). */
  keeps: string | null;
  /** The docker commands this runs, exactly (a rendered line, or one to render). */
  commands: (string | DockerCommand)[];
  /** The confirm button: "Remove 3 containers". */
  confirm: string;
}

/** "1 container", "3 containers". */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** A section titled with its count, listing every item. */
export function section(title: string, items: Named[]): Section {
  return { title: `${title} (${items.length})`, items };
}

/** Which volumes stay after a container remove, with or without `-v`. */
export function volumesKept(removeVolumes: boolean): string {
  return removeVolumes
    ? "Named volumes and host folders stay; anonymous volumes go with their containers."
    : "Volumes stay: named and anonymous volumes and host folders are kept.";
}

/** Removing containers (`docker rm`, forced for the running ones): the Containers view's
 *  remove and the Groups view's "Remove all". */
export function removeContainersPlan(
  targets: readonly Pick<ContainerSummary, "name" | "state" | "status">[],
  removeVolumes: boolean,
  what = "",
): DestroyPlan {
  const running = targets.filter((c) => needsForce(c.state)).length;
  const n = count(targets.length, "container");
  return {
    title: what ? `Remove ${what}?` : `Remove ${n}?`,
    lead: `${runningNote(running, targets.length)}Each container goes with anything written inside it that is not in a volume.`,
    sections: [section("Containers", targets.map((c) => ({ name: c.name, note: c.status })))],
    keeps: volumesKept(removeVolumes),
    // Forced once confirmed: one that started meanwhile goes too, as the list said.
    commands: targets.map((c) => forceRemoveLine(c.name, removeVolumes)),
    confirm: `Remove ${n}`,
  };
}

function runningNote(running: number, total: number): string {
  if (running === 0) return "";
  const who = running < total ? `${running} of them ${running === 1 ? "is" : "are"}` : total === 1 ? "It is" : "They are";
  return `${who} running: removing kills ${running === 1 ? "it" : "them"} first. `;
}

/** Scaling a launch group down: the highest-numbered replicas go. */
export function scaleDownPlan(group: string, target: number, removed: readonly string[], removeVolumes: boolean): DestroyPlan {
  return {
    title: `Scale ${group} down to ${target}?`,
    lead: `${removed.length === 1 ? "This replica" : `These ${removed.length} replicas`} will be stopped and removed; anything not in a volume is lost.`,
    sections: [section("Replicas", removed.map((name) => ({ name })))],
    keeps: volumesKept(removeVolumes),
    commands: removed.map((name) => ({ kind: "remove", container: name, force: true, volumes: removeVolumes })),
    confirm: `Remove ${count(removed.length, "replica")}`,
  };
}

/** Force-removing an image (`docker rmi -f`): every tag named goes, and the containers made
 *  from it keep running on an image that has no name any more. */
export function forceRemoveImagePlan(refs: readonly string[], allTags: readonly string[], users: readonly string[]): DestroyPlan {
  const stays = allTags.filter((t) => !refs.includes(t));
  return {
    title: `Force remove ${refs.length === 1 ? refs[0] : count(refs.length, "tag")}?`,
    lead:
      users.length > 0
        ? `${count(users.length, "container uses", "containers use")} this image. They are not removed, but they lose their image's name: ` +
          "they show it by ID only, and cannot be recreated from it by name."
        : "Force removes the tags even if something still refers to the image.",
    sections: [
      section("Tags removed", refs.map((name) => ({ name }))),
      ...(users.length > 0 ? [section("Containers that lose their image", users.map((name) => ({ name })))] : []),
    ],
    keeps: stays.length > 0 ? `These tags stay: ${stays.join(", ")}.` : "Containers are never removed by this.",
    commands: refs.map((image) => ({ kind: "remove_image", image, force: true })),
    confirm: `Force remove ${count(refs.length, "tag")}`,
  };
}

/** Cleanup: what the preview found, by name. */
export function prunePlan(p: PrunePreview): DestroyPlan {
  const total = p.containers.length + p.images.length;
  return {
    title: `Remove ${count(total, "object")}?`,
    lead:
      "These are what the engine's prune would remove now. This cannot be undone; if something changes before it runs, " +
      "the engine decides and the result says what it removed.",
    sections: [
      ...(p.containers.length > 0 ? [section("Stopped containers", p.containers.map((c) => ({ name: c.label })))] : []),
      ...(p.images.length > 0
        ? [section("Images", p.images.map((i) => ({ name: i.label, note: i.id.replace("sha256:", "").slice(0, 12) })))]
        : []),
    ],
    keeps: "Running containers, images in use and all volumes stay.",
    commands: [...p.commands],
    confirm: `Remove ${total}`,
  };
}

/** The tray's "Stop all containers launched by Berth". Nothing is deleted: stopped
 *  containers can be started again. */
export function stopAllPlan(names: readonly string[]): DestroyPlan {
  return {
    title: `Stop ${count(names.length, "container")} launched by Berth?`,
    lead: "Their programs get SIGTERM, then SIGKILL after the stop timeout. Start brings them back.",
    sections: [section("Containers", names.map((name) => ({ name })))],
    keeps: "Nothing is removed: the containers, their files and volumes stay.",
    commands: names.map((container) => ({ kind: "stop", container })),
    confirm: `Stop ${count(names.length, "container")}`,
  };
}

/** Quitting while launches run: rolling back removes what they made so far (the launch's own
 *  record of its containers); finishing makes the rest. */
export function quitPlan(launches: readonly { group: string; planned: readonly string[]; created: readonly string[] }[]): DestroyPlan {
  const created = launches.flatMap((l) => l.created);
  const planned = launches.reduce((n, l) => n + l.planned.length, 0);
  return {
    title: launches.length === 1 ? "A launch is running. Quit?" : `${launches.length} launches are running. Quit?`,
    lead:
      `${count(created.length, "container")} of ${planned} made so far. Berth never quits with half a group: ` +
      "finish the launch first, or roll back and remove what it made (only those, by its own record).",
    sections: launches.map((l) => section(`Group ${l.group}, made so far`, l.created.map((name) => ({ name })))),
    // A rollback takes the anonymous volumes these new containers made (`rm -f -v`): they
    // are as new as the containers.
    keeps: "Either way, every other container, image and volume stays.",
    commands: created.map((name) => forceRemoveLine(name, true)),
    confirm: "Roll back and quit",
  };
}
