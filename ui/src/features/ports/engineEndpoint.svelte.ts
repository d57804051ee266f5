/** The connected engine's endpoint, for showing port addresses (`address.ts`). Read once and
 *  then followed through `engine-status` events, on first use; empty until known. */
import { engineStatus, onEngineStatus, type EngineStatus } from "../../ipc/commands";

let endpoint = $state("");
let started = false;

function apply(status: EngineStatus) {
  endpoint = status.state === "connected" ? status.info.endpoint : "";
}

export function currentEndpoint(): string {
  if (!started) {
    started = true;
    void onEngineStatus(apply).catch(() => {});
    void engineStatus()
      .then(apply)
      .catch(() => {});
  }
  return endpoint;
}
