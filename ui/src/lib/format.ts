/**
 * Formatters that read like the docker CLI, so what Berth shows matches what users see in a
 * terminal: `3 minutes ago`, `72.8MB`, `0.0.0.0:8080->80/tcp`.
 */
import type { ContainerState, PortMapping } from "../ipc/containers";

/** Docker's `units.HumanDuration`: "Less than a second", "About a minute", "3 hours", "2 weeks". */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 1) return "Less than a second";
  if (seconds === 1) return "1 second";
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes === 1) return "About a minute";
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.floor(ms / 3_600_000 + 0.5);
  if (hours === 1) return "About an hour";
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`;
  return `${Math.floor(ms / 3_600_000 / 24 / 365)} years`;
}

/** "3 minutes ago" for a Unix timestamp in seconds, as `docker ps` prints CREATED. */
export function relativeTime(unixSeconds: number, nowMs: number = Date.now()): string {
  const ms = Math.max(0, nowMs - unixSeconds * 1000);
  return `${humanDuration(ms)} ago`;
}

const absoluteFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });

/** Full local date and time, for tooltips beside a relative time. */
export function absoluteTime(unixSeconds: number): string {
  return absoluteFormat.format(new Date(unixSeconds * 1000));
}

const SIZE_UNITS = ["B", "kB", "MB", "GB", "TB", "PB", "EB"] as const;

/**
 * Decimal sizes with three significant digits, as `docker images` prints SIZE: `512B`, `1.24MB`,
 * `72.8MB`, `1.1GB`. Unlike Go's `%.3g` it never prints `1e+03kB`: it moves up a unit instead.
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return "–";
  let size = bytes;
  let unit = 0;
  while (size >= 1000 && unit < SIZE_UNITS.length - 1) {
    size /= 1000;
    unit++;
  }
  let rounded = Number(size.toPrecision(3));
  if (rounded >= 1000 && unit < SIZE_UNITS.length - 1) {
    rounded = Number((rounded / 1000).toPrecision(3));
    unit++;
  }
  return `${rounded}${SIZE_UNITS[unit]}`;
}

/** One published port like `docker ps`: `0.0.0.0:8080->80/tcp`, `[::]:8080->80/tcp` or `80/tcp`. */
export function formatPort(p: PortMapping): string {
  const target = `${p.container_port}/${p.protocol}`;
  if (p.host_port == null) return target;
  if (p.host_ip == null || p.host_ip === "") return `${p.host_port}->${target}`;
  const host = p.host_ip.includes(":") ? `[${p.host_ip}]` : p.host_ip;
  return `${host}:${p.host_port}->${target}`;
}

/** All ports of a container, duplicates dropped, published ones first, as one line. */
export function formatPorts(ports: readonly PortMapping[]): string {
  const published = ports.filter((p) => p.host_port != null);
  const exposed = ports.filter((p) => p.host_port == null);
  const seen = new Set<string>();
  const out: string[] = [];
  for (const p of [...published, ...exposed]) {
    const s = formatPort(p);
    if (!seen.has(s)) {
      seen.add(s);
      out.push(s);
    }
  }
  return out.join(", ");
}

/** All ports of a container as people read them: `8081→80` (host port → container port, the
 *  protocol only when it is not TCP), an unpublished port alone; duplicates (IPv4 and IPv6
 *  bindings of one port) once. `formatPorts` keeps the full `docker ps` form, for tooltips. */
export function readablePorts(ports: readonly PortMapping[]): string {
  const published = ports.filter((p) => p.host_port != null);
  const exposed = ports.filter((p) => p.host_port == null);
  const shown = [...published, ...exposed].map((p) => {
    const proto = p.protocol === "tcp" ? "" : `/${p.protocol}`;
    return p.host_port == null ? `${p.container_port}${proto}` : `${p.host_port}→${p.container_port}${proto}`;
  });
  return [...new Set(shown)].join(", ");
}

/** The name of a dangling image (no tags), as `docker images` shows it. */
export const DANGLING_TAG = "<none>:<none>";

/** Up like `docker ps` without `-a` lists it: paused and restarting containers count as
 *  running (the backend's `ContainerState::is_up`). The one list of them in the UI. */
export const UP_STATES: readonly ContainerState[] = ["running", "paused", "restarting"];

export function isUp(state: ContainerState): boolean {
  return UP_STATES.includes(state);
}

/** "1 container", "3 containers". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
