// Hand-written to match the ts-rs output; the generated file of the same name replaces it.

import type { EngineInfo } from "./EngineInfo";
import type { EngineProblem } from "./EngineProblem";

export type EngineStatus = { "state": "connecting", endpoint: string } | { "state": "connected", info: EngineInfo } | { "state": "unavailable", problem: EngineProblem };
