// Hand-written to match the ts-rs output; the generated file of the same name replaces it.

import type { ContainerSummary } from "./ContainerSummary";
import type { ImageSummary } from "./ImageSummary";

export type Inventory = { containers: Array<ContainerSummary>, images: Array<ImageSummary>, };
