/**
 * The host panel's wording: this computer's figures, and how much of it the shown containers
 * use. A container's CPU % is of one core (as `docker stats`); the host's is of the whole
 * machine, so a share needs the number of cores.
 */
import type { HostPoint } from "../../ipc/stats";
import { formatMemory, formatPercent } from "./model";

/** Percent of the whole machine that `cpuPercent` (of one core) is. */
export function cpuShare(cpuPercent: number, cores: number): number {
  if (!(cores > 0) || !Number.isFinite(cpuPercent)) return 0;
  return cpuPercent / cores;
}

/** Percent of the machine's memory that `bytes` is. */
export function memShare(bytes: number, total: number): number {
  if (!(total > 0) || !Number.isFinite(bytes)) return 0;
  return (bytes / total) * 100;
}

export interface HostLines {
  cpu: string;
  mem: string;
  load: string;
  cores: string;
  /** "Shown containers: …", when usage is given. */
  usage: string | null;
}

/** The panel's lines for `host`, and for `usage` (the shown containers' CPU % and memory). */
export function hostLines(host: HostPoint, usage?: { cpu: number; mem: number; label: string }): HostLines {
  const load = [host.load1, host.load5, host.load15].map((l) => l.toFixed(2)).join(" ");
  return {
    cpu: formatPercent(host.cpu),
    mem: `${formatMemory(host.mem_used)} / ${formatMemory(host.mem_total)}`,
    load,
    cores: `${host.cores} ${host.cores === 1 ? "core" : "cores"}`,
    usage: usage
      ? `${usage.label}: CPU ${formatPercent(usage.cpu)} = ${formatPercent(cpuShare(usage.cpu, host.cores))} of this computer · ` +
        `memory ${formatMemory(usage.mem)} = ${formatPercent(memShare(usage.mem, host.mem_total))}`
      : null,
  };
}
