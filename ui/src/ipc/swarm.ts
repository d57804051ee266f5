/** Swarm (backend `ipc/swarm.rs`): launching as a service, the Services view. */
import { call } from "./core";
import type { LaunchRequest } from "./bindings/LaunchRequest";
import type { NodeTasks } from "./bindings/NodeTasks";
import type { ServiceLaunched } from "./bindings/ServiceLaunched";
import type { ServicePreview } from "./bindings/ServicePreview";
import type { ServiceScaled } from "./bindings/ServiceScaled";
import type { ServiceSummary } from "./bindings/ServiceSummary";
import type { SwarmInfo } from "./bindings/SwarmInfo";

export type { NodeTasks, ServiceLaunched, ServicePreview, ServiceScaled, ServiceSummary, SwarmInfo };
export type { FieldNote } from "./bindings/FieldNote";
export type { PublishedPort } from "./bindings/PublishedPort";
export type { SwarmState } from "./bindings/SwarmState";
export type { TaskSummary } from "./bindings/TaskSummary";

/** The engine's swarm membership now (read fresh: swarm init/leave emit no event Berth follows). */
export function swarmInfo(): Promise<SwarmInfo> {
  return call<SwarmInfo>("swarm_info");
}

/** The launch form as one service: per-field errors and notes, or the `docker service create` line. */
export function servicePreview(request: LaunchRequest, group: string | null): Promise<ServicePreview> {
  return call<ServicePreview>("service_preview", { request, group });
}

/** Creates the service; resolves once the manager accepted it (tasks converge afterwards). */
export function launchService(request: LaunchRequest, group: string): Promise<ServiceLaunched> {
  return call<ServiceLaunched>("launch_service", { request, group });
}

export function listServices(): Promise<ServiceSummary[]> {
  return call<ServiceSummary[]>("list_services");
}

/** A service's tasks grouped per node. */
export function serviceTasks(service: string): Promise<NodeTasks[]> {
  return call<NodeTasks[]>("service_tasks", { service });
}

/** Scales to the typed number of replicas (checked by the backend: 0 to the launch limit). */
export function scaleService(service: string, replicas: string): Promise<ServiceScaled> {
  return call<ServiceScaled>("scale_service", { service, replicas });
}

/** Removes a service; resolves with the equivalent `docker service rm` line. */
export function removeService(service: string): Promise<string> {
  return call<string>("remove_service", { service });
}
