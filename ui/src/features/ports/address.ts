/** The address each published port is shown at (`HOST:PORT`), and whether Berth offers a link.
 *  The backend (`domain/port_link.rs`) decides what it opens, again at every click; this is its
 *  rule for display only: a link here that the backend refused would say why on the click.
 *  - a local engine (`unix://`, loopback `tcp://`): ports on every address or on loopback open on
 *    loopback (127.0.0.1, or ::1 for a port bound to ::1 only);
 *  - a remote engine (`tcp://HOST`, `ssh://user@HOST`): ports on every address or on HOST open on HOST;
 *  - anything else, and UDP: shown at the address it is bound to, without a link. */
import type { PortMapping } from "../../ipc/bindings/PortMapping";

export type EngineHost = { kind: "local" } | { kind: "remote"; host: string } | { kind: "unknown" };

const ANY = new Set(["", "0.0.0.0", "::"]);
const isLoopback = (ip: string) => /^127\./.test(ip) || ip === "::1";

/** `endpoint` empty: not read yet, taken as local (the usual engine) until it is; the backend
 *  decides at the click anyway. */
export function engineHost(endpoint: string): EngineHost {
  if (endpoint === "" || endpoint.startsWith("unix://")) return { kind: "local" };
  const m = /^(?:tcp|ssh):\/\/(?:[^@/]*@)?(\[[0-9a-fA-F:.]+\]|[^:/[\]]+)(?::\d+)?\/?$/.exec(endpoint);
  if (!m) return { kind: "unknown" };
  const host = (m[1] ?? "").replace(/^\[(.*)\]$/, "$1").toLowerCase();
  if (isLoopback(host) || host === "localhost") return { kind: "local" };
  return { kind: "remote", host };
}

/** One published host port, its bindings (IPv4 and IPv6) folded into one. */
export interface PublishedPort {
  hostPort: number;
  containerPort: number;
  protocol: string;
  /** `HOST:PORT` as shown. */
  address: string;
  /** Whether the backend opens it in the browser. */
  linked: boolean;
}

const withPort = (host: string, port: number) => (host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`);

/** Where a browser on this computer reaches `p`, or null when Berth opens no link to it. */
export function browseHost(p: PortMapping, engine: EngineHost): string | null {
  if (p.host_port == null || p.protocol !== "tcp") return null;
  const bound = (p.host_ip ?? "").trim();
  if (engine.kind === "local") {
    if (ANY.has(bound)) return "127.0.0.1";
    return isLoopback(bound) ? bound : null;
  }
  if (engine.kind === "remote") {
    return ANY.has(bound) || bound === engine.host ? engine.host : null;
  }
  return null;
}

/** The published ports of a container, each host port once (a linked binding wins), by port. */
export function publishedPorts(ports: readonly PortMapping[], endpoint: string): PublishedPort[] {
  const engine = engineHost(endpoint);
  const byPort = new Map<string, PublishedPort>();
  for (const p of ports) {
    if (p.host_port == null) continue;
    const key = `${p.host_port}/${p.protocol}`;
    const host = browseHost(p, engine);
    const shown: PublishedPort = {
      hostPort: p.host_port,
      containerPort: p.container_port,
      protocol: p.protocol,
      address: withPort(host ?? (p.host_ip || "0.0.0.0"), p.host_port),
      linked: host !== null,
    };
    const had = byPort.get(key);
    if (!had || (!had.linked && shown.linked)) byPort.set(key, shown);
  }
  return [...byPort.values()].sort((a, b) => a.hostPort - b.hostPort || a.protocol.localeCompare(b.protocol));
}
