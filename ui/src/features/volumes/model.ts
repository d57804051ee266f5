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

/** Labels typed one `key=value` per line (or comma-separated); blank lines are skipped. The
 *  backend checks them again; this only gives the early, plain-words error. */
export function parseLabels(text: string): { labels: Record<string, string>; error: string | null } {
  const labels: Record<string, string> = {};
  for (const raw of text.split(/[\n,]/)) {
    const item = raw.trim();
    if (!item) continue;
    const eq = item.indexOf("=");
    const key = (eq < 0 ? item : item.slice(0, eq)).trim();
    if (!key) return { labels, error: `“${item}” has no key: write key=value` };
    if (/\s/.test(key)) return { labels, error: `the label key “${key}” has a space` };
    labels[key] = eq < 0 ? "" : item.slice(eq + 1).trim();
  }
  return { labels, error: null };
}

/** Docker's rule for volume names, said in people's words (the backend says it too). */
export function volumeNameError(name: string): string | null {
  if (name === "") return "A volume needs a name.";
  if (/\s/.test(name)) return `“${name}” has a space: volume names are letters, digits and _ . - only.`;
  if (/[/\\]/.test(name)) return `“${name}” has a slash: a volume name is one word, not a path.`;
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/.test(name))
    return `“${name}” must start with a letter or digit, be at least 2 characters, and use only letters, digits and _ . -`;
  return null;
}

/** Labels as `k=v` strings, for showing and for the CLI line. */
export function labelPairs(labels: Record<string, string>): string[] {
  return Object.entries(labels).map(([k, v]) => (v === "" ? k : `${k}=${v}`));
}
