/** The Compose view's pure parts: service colours, the merged log's bounded buffer, the
 *  remove confirmation's plan, and the scale box's check. */
import type { ComposeFileError, ProjectRemoval } from "../../ipc/compose";
import { count, section, type DestroyPlan } from "../confirm/destroy";

/** How many colours the services cycle through (classes `svc-0` … in the view's style). */
export const SERVICE_COLOURS = 6;

/** A stable colour index per service of a project (by its place in the sorted names). */
export function serviceColour(services: readonly string[], service: string): number {
  const i = [...services].sort().indexOf(service);
  return (i < 0 ? 0 : i) % SERVICE_COLOURS;
}

/** One line of the merged log. */
export interface MergedLine {
  service: string;
  /** `web-1`: the service and its container number, as the prefix shows. */
  prefix: string;
  colour: number;
  timestamp: string | null;
  text: string;
  stderr: boolean;
}

/** The merged log keeps this many lines; older ones go first. */
export const MERGED_MAX = 2000;

/**
 * Adds `batch` to `lines`, keeping them in timestamp order (each container's lines come in
 * order; the containers' streams interleave) and at most `max` of them.
 */
export function mergeLines(lines: readonly MergedLine[], batch: readonly MergedLine[], max = MERGED_MAX): MergedLine[] {
  const out = [...lines];
  for (const line of batch) {
    let at = out.length;
    if (line.timestamp !== null) {
      while (at > 0 && (out[at - 1]!.timestamp ?? "") > line.timestamp) at--;
    }
    out.splice(at, 0, line);
  }
  return out.length > max ? out.slice(out.length - max) : out;
}

/** "line 4, column 12: …" for a file error. */
export function fileErrorText(e: ComposeFileError): string {
  if (e.line !== null && e.column !== null) return `Line ${e.line}, column ${e.column}: ${e.message}`;
  if (e.line !== null) return `Line ${e.line}: ${e.message}`;
  return e.message;
}

/** The scale box: a whole number from 0 to 50 (the backend's bound). */
export function scaleProblem(text: string): string | null {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return "Type a whole number of replicas.";
  const n = Number(t);
  if (n > 50) return "At most 50 replicas per service from here.";
  return null;
}

/** Removing a project: its containers (running ones too), then its networks, by name. */
export function removalPlan(r: ProjectRemoval): DestroyPlan {
  return {
    title: `Remove Compose project ${r.project}?`,
    lead:
      `Its ${count(r.containers.length, "container")} are removed (running ones are stopped first), ` +
      `then ${r.networks.length ? `its ${count(r.networks.length, "network")}` : "no network (it has none left)"}.`,
    sections: [section("Containers", r.containers.map((name) => ({ name }))), section("Networks", r.networks.map((name) => ({ name })))],
    keeps: "Named volumes, images and the Compose file stay; anonymous volumes go with their containers.",
    commands: r.command ? [r.command.line] : [],
    confirm: `Remove ${r.project}`,
  };
}
