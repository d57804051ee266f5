/**
 * Whether the engine is in a swarm, for the Services nav item. Seeded from the engine info of
 * each connection, and read again (`swarm_info`) when the window gets focus: `docker swarm
 * init` / `leave` emit no event Berth follows, and a periodic `docker info` would cost the
 * engine for a rarely changing fact.
 */
import type { EngineStatus } from "../../ipc/commands";
import { swarmInfo, type SwarmInfo } from "../../ipc/swarm";

export class SwarmWatch {
  info = $state.raw<SwarmInfo | null>(null);

  /** Takes the membership the connection reported. */
  seed(status: EngineStatus | null): void {
    this.info = status?.state === "connected" ? status.info.swarm : null;
  }

  async refresh(): Promise<void> {
    try {
      this.info = await swarmInfo();
    } catch {
      // Engine down: the engine screen says so; keep what we knew.
    }
  }
}
