import type { ShownProblem } from "../../stores/app.svelte";

/** The headline of the engine-problem screen, per kind. The backend's message and hint follow it. */
export const PROBLEM_TITLES: Record<ShownProblem["kind"], string> = {
  unreachable: "Docker isn't reachable",
  permission_denied: "Berth isn't allowed to use Docker",
  bad_endpoint: "The Docker endpoint isn't valid",
  protocol: "That doesn't look like a Docker engine",
  internal: "Berth couldn't reach its own backend",
};
