// Hand-written to match the ts-rs output; the generated file of the same name replaces it.

export type IpcErrorKind = "unavailable" | "not_found" | "conflict" | "invalid_input" | "internal";
