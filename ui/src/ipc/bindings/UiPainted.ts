// Hand-written to match the ts-rs output; the generated file of the same name replaces it.

export type UiPainted = "inventory" | "problem";
