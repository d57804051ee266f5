import type { VolumeSummary } from "../../ipc/volumes";

/** The engine's creation time (RFC 3339) as Unix seconds; null when it gave none or garbage. */
export function createdSeconds(created: string): number | null {
  const ms = Date.parse(created);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : null;
}

/** Volumes whose name, driver or user names contain `text` (any case). */
export function filterVolumes(volumes: readonly VolumeSummary[], text: string): VolumeSummary[] {
  const needle = text.trim().toLowerCase();
  if (!needle) return [...volumes];
  return volumes.filter(
    (v) =>
      v.name.toLowerCase().includes(needle) ||
      v.driver.toLowerCase().includes(needle) ||
      v.used_by.some((u) => u.name.toLowerCase().includes(needle)),
  );
}
