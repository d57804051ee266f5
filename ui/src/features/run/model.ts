/** What the "Run an image…" dialog says about a reference check, and when "Next" may go on. Pure. */
import type { ReferenceCheck } from "../../ipc/registry";

export type Tone = "ok" | "warn" | "error" | "muted";

/** One line of the check's summary. */
export type CheckLine = { tone: Tone; text: string; testid: string };

/** The lines shown under the reference field, in reading order. */
export function checkLines(check: ReferenceCheck): CheckLine[] {
  if (check.error) return [{ tone: "error", text: check.error, testid: "run-check-error" }];
  const lines: CheckLine[] = [];
  if (check.short && check.expanded) {
    lines.push({ tone: "muted", text: `Short for ${check.expanded}`, testid: "run-check-expanded" });
  }
  if (check.registry_label) {
    lines.push({ tone: "muted", text: `From ${check.registry_label}`, testid: "run-check-registry" });
  }
  if (check.local_id) {
    lines.push({ tone: "ok", text: "This engine has it: it runs at once.", testid: "run-check-local" });
    return lines;
  }
  const remote = check.remote;
  if (!remote) return lines;
  switch (remote.state) {
    case "found":
      lines.push({ tone: "ok", text: `Not on this engine yet: it is pulled from ${check.registry_label} first.`, testid: "run-check-pull" });
      break;
    case "unknown_tag":
    case "unknown_repository":
      lines.push({ tone: "error", text: remote.message, testid: "run-check-remote" });
      break;
    case "unchecked":
      lines.push({
        tone: "warn",
        text: `Not on this engine; Berth could not ask the registry (${remote.message}). The engine will try to pull it.`,
        testid: "run-check-remote",
      });
      break;
  }
  return lines;
}

/** "Next" goes on for a valid reference the engine has, or that the registry does not deny having. */
export function canRun(check: ReferenceCheck | null): boolean {
  if (!check || check.error || !check.reference) return false;
  if (check.local_id) return true;
  const state = check.remote?.state;
  return state === "found" || state === "unchecked";
}

/** The reference a picked repository and tag make, e.g. `127.0.0.1:5000/team/app:v1`. */
export function pickedReference(registry: string, repository: string, tag: string): string {
  return `${registry}/${repository}:${tag}`;
}
