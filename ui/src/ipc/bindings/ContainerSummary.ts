// Hand-written to match the ts-rs output; the generated file of the same name replaces it.

import type { ContainerState } from "./ContainerState";
import type { PortMapping } from "./PortMapping";

export type ContainerSummary = { id: string, short_id: string, name: string, image: string, image_id: string, command: string, state: ContainerState, status: string, ports: Array<PortMapping>, created: number, labels: { [key in string]?: string }, };
