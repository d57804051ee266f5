/** The launch dialog's and the groups view's logic, free of components so it is unit-tested. */
import type { PortMapping } from "../../ipc/containers";
import type {
  FieldError,
  LaunchField,
  LaunchPreview,
  LaunchRequest,
  PlannedPull,
  PortBinding,
  ReplicaPhase,
  ReplicaProgress,
} from "../../ipc/launch";

type ReplicaPreview = LaunchPreview["replicas"][number];

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

/** The host port typed for each mapping of the ports box (null: none, the engine picks), or
 * null when the box does not read as plain `[IP:]HOST:CONTAINER[/PROTO]` entries. */
export function typedHostPorts(ports: string): (number | null)[] | null {
  const entries = ports.split(/[\s,]+/).filter((e) => e !== "");
  const out: (number | null)[] = [];
  for (const e of entries) {
    // An IPv6 host address is bracketed: drop it, and the protocol, before splitting.
    const rest = e.replace(/^\[[^\]]*\]:/, "").replace(/\/[a-z]+$/i, "");
    const parts = rest.split(":");
    if (parts.length > 3 || !parts.every((p, i) => /^\d*$/.test(p) || (i === 0 && parts.length === 3))) return null;
    const host = parts.length === 1 ? "" : (parts[parts.length - 2] ?? "");
    out.push(host === "" ? null : Number(host));
  }
  return out;
}

/** What the planner changed in the ports the user typed, in words (null when nothing): a
 * host port in use is skipped for the next free one, silently until now. */
export function portAdjustments(ports: string, replicas: readonly ReplicaPreview[]): string | null {
  const typed = typedHostPorts(ports);
  if (!typed || replicas.length === 0) return null;
  const said: string[] = [];
  typed.forEach((first, j) => {
    if (first === null) return;
    const planned = replicas.map((r) => r.ports[j]?.host_port ?? null);
    const skipped: number[] = [];
    let expect = first;
    for (const p of planned) {
      if (p === null) return;
      for (let q = expect; q < p; q++) skipped.push(q);
      expect = p + 1;
    }
    if (skipped.length === 0) return;
    const inUse = skipped.length === 1 ? `${skipped[0]} is in use` : `${skipped.join(", ")} are in use`;
    const gets = planned.length === 1 ? `using ${planned[0]} instead` : `replicas get ${planned.join(", ")}`;
    said.push(`${inUse}: ${gets}`);
  });
  return said.length > 0 ? said.join(" · ") : null;
}

/** What the planner did with the name pattern, in words (null when it is as typed). One
 * replica keeps a name without {n} exactly (no note); several cannot share it, so they are
 * numbered, and the note says so. */
export function nameAdjustments(pattern: string, replicas: readonly ReplicaPreview[]): string | null {
  const first = replicas[0];
  if (!first) return null;
  const typed = pattern.trim();
  const said: string[] = [];
  if (typed !== "" && !typed.includes("{n}") && first.name !== typed) {
    const last = replicas[replicas.length - 1];
    const names = replicas.length > 1 && last ? `${first.name} … ${last.name}` : first.name;
    said.push(`no {n}: several replicas cannot share one name, so they are numbered ${names}`);
  }
  if (first.replica > 1) said.push(`numbering starts at ${first.replica}, after existing containers`);
  return said.length > 0 ? said.join(" · ") : null;
}

/** A planned replica's host ports, short: `8081→80`. */
export function plannedPorts(ports: readonly PortBinding[]): string {
  return ports.map((p) => (p.host_port ? `${p.host_port}→${p.container_port}` : `${p.container_port}`)).join(", ");
}

/** Why Launch is disabled, in words (null when it is not). */
export function launchBlocked(
  preview: Pick<LaunchPreview, "errors"> | null,
  previewError: string | null,
): string | null {
  if (previewError) return "The form could not be checked: see the message above.";
  if (!preview) return "Checking the form…";
  if (preview.errors.length === 0) return null;
  const fields = [...new Set(preview.errors.map((e) => FIELD_NAMES[e.field] ?? e.field))];
  return `Fix ${fields.join(", ")} first.`;
}

const FIELD_NAMES: Partial<Record<LaunchField, string>> = {
  image: "the image",
  replicas: "Replicas",
  name_pattern: "Name pattern",
  command: "Command",
  env: "Environment",
  ports: "Ports",
  volumes: "Volumes",
  labels: "Labels",
  restart: "Restart policy",
  memory: "Memory limit",
  cpus: "CPU limit",
  network: "Network",
  auto_remove: "Remove when stopped",
};

/** A launch's command log lines: the preview's `docker run` lines, each failed when its
 * replica did (matched by name), then a comment for the replicas the preview did not list. */
export function launchLog(
  preview: Pick<LaunchPreview, "commands" | "more"> | null,
  replicas: readonly Pick<ReplicaProgress, "name" | "phase">[],
): { line: string; ok: boolean }[] {
  if (!preview) return [];
  const failed = new Set(replicas.filter((r) => r.phase !== "running").map((r) => r.name));
  const lines = preview.commands.map((line) => {
    const name = /--name (\S+)/.exec(line)?.[1];
    return { line, ok: name === undefined || !failed.has(name) };
  });
  if (preview.more > 0) lines.push({ line: `# … and ${preview.more} more replicas like these`, ok: true });
  return lines;
}
