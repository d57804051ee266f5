import type { EngineFlavor, EngineOverview, EngineTransport } from "../../ipc/engines";

const TRANSPORT: Record<EngineTransport, string> = {
  unix: "local socket",
  tcp: "TCP, not encrypted",
  tls: "TCP + TLS",
  ssh: "SSH",
};

export function transportLabel(t: EngineTransport | null): string {
  return t === null ? "unknown address" : TRANSPORT[t];
}

export function flavorLabel(f: EngineFlavor): string {
  return f === "podman" ? "Podman" : "Docker";
}

/** Plain TCP: anyone on the network path can drive the engine. The UI always says so. */
export function isInsecure(t: EngineTransport | null): boolean {
  return t === "tcp";
}

export const INSECURE_WARNING =
  "Unencrypted TCP: anyone who can reach this address controls the engine (and the host). Use TLS or SSH.";

/** "3 / 7" for a connected engine, "–" otherwise. */
export function countsLabel(row: EngineOverview): string {
  if (row.running === null || row.total === null) return "–";
  return `${row.running} / ${row.total}`;
}

export function statusLabel(row: EngineOverview): string {
  switch (row.status.state) {
    case "connected":
      return `${flavorLabel(row.status.info.flavor)} ${row.status.info.version}`;
    case "connecting":
      return "Connecting…";
    case "unavailable":
      return row.status.problem.message;
  }
}
