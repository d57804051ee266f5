/** The launch dialog's and the groups view's logic, free of components so it is unit-tested. */
import type { PortMapping } from "../../ipc/containers";
import type { FieldError, LaunchField, LaunchRequest, PlannedPull, ReplicaPhase, ReplicaProgress } from "../../ipc/launch";

/** A fresh form for `image`: one replica, everything else defaulted. */
export function emptyRequest(image: string): LaunchRequest {
  return {
    image,
    replicas: "1",
    name_pattern: "",
    command: "",
    env: "",
    ports: "",
    volumes: "",
    labels: "",
    restart: "",
    memory: "",
    cpus: "",
    network: "",
    auto_remove: false,
  };
}

/** The backend's per-field errors, grouped by field. */
export function errorsByField(errors: readonly FieldError[]): Partial<Record<LaunchField, string[]>> {
  const out: Partial<Record<LaunchField, string[]>> = {};
  for (const e of errors) (out[e.field] ??= []).push(e.message);
  return out;
}

/** Appends an env file's content to the env box (a blank line between, none doubled). */
export function appendEnv(current: string, file: string): string {
  const body = file.replace(/^\uFEFF/, "").replace(/\r\n/g, "\n");
  if (current.trim() === "") return body;
  return `${current.replace(/\n*$/, "")}\n${body}`;
}

/** The preview's note for an image that is not on the engine (null when it is). */
export function pullNote(pull: PlannedPull | null | undefined): string | null {
  if (!pull) return null;
  return `${pull.reference} is not on this engine; it will be pulled from ${pull.registry} first`;
}

/** Applies a progress batch to the per-replica table (by replica number). */
export function applyBatch(
  rows: ReadonlyMap<number, ReplicaProgress>,
  batch: readonly ReplicaProgress[],
): Map<number, ReplicaProgress> {
  const next = new Map(rows);
  for (const p of batch) next.set(p.replica, p);
  return next;
}

export type PhaseCounts = Record<ReplicaPhase, number>;

export function countPhases(rows: Iterable<ReplicaProgress>): PhaseCounts {
  const counts: PhaseCounts = {
    pending: 0,
    creating: 0,
    starting: 0,
    running: 0,
    failed: 0,
    removed: 0,
    skipped: 0,
  };
  for (const r of rows) counts[r.phase]++;
  return counts;
}

/** Checks a scale target typed in the groups view; null when fine. */
export function scaleError(text: string): string | null {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return "a whole number, 0 to 500";
  const n = Number(t);
  if (n > 500) return "at most 500";
  return null;
}

/** A member's published ports, short: `8080→80`. The engine lists a port published on all
 * addresses once per IP family (0.0.0.0 and ::); one entry each is enough here. */
export function memberPorts(ports: ReadonlyArray<PortMapping>): string {
  const shown = ports.map((p) =>
    p.host_port ? `${p.host_port}→${p.container_port}` : `${p.container_port}`,
  );
  return [...new Set(shown)].join(", ");
}
