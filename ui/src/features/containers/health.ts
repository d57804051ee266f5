/** A container's health check as the engine's status text tells it (`Up 5 minutes (healthy)`,
 *  `(health: starting)`, `(unhealthy)`: Docker and Podman alike); none without a check. */
export type Health = "starting" | "healthy" | "unhealthy";

export const HEALTHS: readonly Health[] = ["unhealthy", "starting", "healthy"];

export function healthOf(status: string): Health | null {
  const m = /\((healthy|unhealthy|health: starting)\)\s*$/.exec(status);
  if (!m) return null;
  return m[1] === "health: starting" ? "starting" : (m[1] as Health);
}

/** A probe's exit code in words, as Docker reads it: 0 healthy, 1 unhealthy, anything else
 *  means the check itself could not run (2 is reserved by Docker). */
export function probeVerdict(exitCode: number): string {
  if (exitCode === 0) return "passed";
  if (exitCode === 1) return "failed";
  return "could not run";
}
