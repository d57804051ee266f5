/** Networks (backend `ipc/networks.rs`): the list with the containers attached to each, the
 *  create form's live check, create, remove, connect and disconnect. Each action answers with
 *  its exact `docker network ...` line. */
import { call } from "./core";
import type { NetworkDone } from "./bindings/NetworkDone";
import type { NetworkPreview } from "./bindings/NetworkPreview";
import type { NetworkSummary } from "./bindings/NetworkSummary";
import type { NewNetwork } from "./bindings/NewNetwork";

export type { NetworkDone, NetworkPreview, NetworkSummary, NewNetwork };
export type { NetworkMember } from "./bindings/NetworkMember";
export type { NetworkField } from "./bindings/NetworkField";
export type { NetworkFieldError } from "./bindings/NetworkFieldError";

/** Every network, like `docker network ls`, each with the containers (any state) attached. */
export function listNetworks(): Promise<NetworkSummary[]> {
  return call<NetworkSummary[]>("list_networks");
}

/** The create form's problems by field, or its `docker network create` line. */
export function networkPreview(form: NewNetwork): Promise<NetworkPreview> {
  return call<NetworkPreview>("network_preview", { form });
}

export function createNetwork(form: NewNetwork): Promise<NetworkDone> {
  return call<NetworkDone>("create_network", { form });
}

/** Refused (conflict) for the engine's own networks and for one with containers attached. */
export function removeNetwork(network: string): Promise<NetworkDone> {
  return call<NetworkDone>("remove_network", { network });
}

export function connectNetwork(network: string, container: string): Promise<NetworkDone> {
  return call<NetworkDone>("connect_network", { network, container });
}

export function disconnectNetwork(network: string, container: string): Promise<NetworkDone> {
  return call<NetworkDone>("disconnect_network", { network, container });
}
