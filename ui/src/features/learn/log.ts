/** The session's command log as pure data: what the user clicked, as docker commands. */

export interface LogEntry {
  id: number;
  /** Milliseconds since the epoch. */
  at: number;
  /** What was clicked, in words: "Stop", "Pull", "Open logs". */
  what: string;
  /** The equivalent docker command, quoted for a shell. */
  line: string;
  /** Whether the engine did it (a failed click still teaches its command). */
  ok: boolean;
}

/** The log keeps the newest entries only; a session of clicking never grows it without bound. */
export const MAX_ENTRIES = 500;

/**
 * `entries` with one entry per non-empty line appended (newest last), trimmed to `max`.
 * The same line logged twice in a row for the same click (a re-render, a double event) is
 * kept once.
 */
export function appendEntries(
  entries: readonly LogEntry[],
  nextId: number,
  what: string,
  lines: readonly { line: string; ok: boolean }[],
  now: number,
  max = MAX_ENTRIES,
): LogEntry[] {
  const out = [...entries];
  let id = nextId;
  for (const { line, ok } of lines) {
    const text = line.trim();
    if (text === "") continue;
    const last = out[out.length - 1];
    if (last && last.line === text && last.what === what && now - last.at < 1000) continue;
    out.push({ id: id++, at: now, what, line: text, ok });
  }
  return out.length > max ? out.slice(out.length - max) : out;
}

/** The log as a shell script, oldest first: failed commands are commented out. */
export function logAsScript(entries: readonly LogEntry[]): string {
  return entries.map((e) => (e.ok ? e.line : `# failed: ${e.line}`)).join("\n");
}
