// Hand-written to match the ts-rs output; the generated file of the same name replaces it.

import type { EngineProblemKind } from "./EngineProblemKind";

export type EngineProblem = { kind: EngineProblemKind, endpoint: string, message: string, hint: string, };
