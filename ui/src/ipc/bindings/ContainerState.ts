// Hand-written to match the ts-rs output; the generated file of the same name replaces it.

export type ContainerState = "created" | "running" | "paused" | "restarting" | "removing" | "exited" | "dead";
