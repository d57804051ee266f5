/**
 * A `docker run` line as a person would type it: Berth's own bookkeeping labels
 * (`berth.group`, `berth.replica`, `berth.launch`, `berth.seal`) are folded out, so what a
 * learner needs (`--publish 8081:80`, the image) is not buried under hundreds of characters of
 * JSON. The exact line is kept for Copy and shown on request.
 */

/** The label keys Berth writes itself (the backend's `BerthLabel`). */
const OWN = "(?:group|replica|launch|seal)";
/** ` --label KEY=VALUE` (or a service's `--container-label`) for one of them, bare or
 * single-quoted as the backend quotes (`'...'`, a quote inside as `'\''`). */
const OWN_LABEL = new RegExp(
  ` --(?:container-)?label (?:'berth\\.${OWN}=(?:[^']|'\\\\'')*'|berth\\.${OWN}=[^\\s']*)`,
  "g",
);

export interface FoldedLine {
  /** The line without Berth's own labels. */
  short: string;
  /** The ` --label ...` words taken out, in order. */
  folded: string[];
}

export function foldOwnLabels(line: string): FoldedLine {
  const folded = line.match(OWN_LABEL) ?? [];
  return { short: line.replace(OWN_LABEL, ""), folded: folded.map((f) => f.trim()) };
}
