/** Several engines (backend `ipc/engines.rs`): the overview, the stored list, switching. */
import { call, listenTo, type Unsubscribe } from "./core";
import type { EnginesPanel } from "./bindings/EnginesPanel";
import type { EnginesSetup } from "./bindings/EnginesSetup";
import type { ImportReport } from "./bindings/ImportReport";

export type { EnginesPanel, EnginesSetup, ImportReport };
export type { SkipVerifyContext } from "./bindings/SkipVerifyContext";
export type { EngineConfig } from "./bindings/EngineConfig";
export type { EngineFlavor } from "./bindings/EngineFlavor";
export type { EngineOverview } from "./bindings/EngineOverview";
export type { EngineTransport } from "./bindings/EngineTransport";

/** Every engine with its live status and running/total counts (the active one first), and
 *  once, why a stored engine list was not used. */
export function enginesOverview(): Promise<EnginesPanel> {
  return call<EnginesPanel>("engines_overview");
}

export function enginesSetup(): Promise<EnginesSetup> {
  return call<EnginesSetup>("engines_setup");
}

/** Validates and saves the engine list; rejects with `invalid_input` naming each problem. */
export function saveEngines(setup: EnginesSetup): Promise<EnginesSetup> {
  return call<EnginesSetup>("save_engines", { setup });
}

/** Makes `name` the engine every view shows ("local": the docker CLI's engine). */
export function switchEngine(name: string): Promise<void> {
  return call<void>("switch_engine", { name });
}

/** Adds the docker CLI's contexts that are not configured yet. Contexts that skip TLS
 *  verification come back in `skip_verification`; they are imported (with verification on)
 *  only when named in `verify`. */
export function importDockerContexts(verify: string[] = []): Promise<ImportReport> {
  return call<ImportReport>("import_docker_contexts", { verify });
}

/** A status or a count in the engines overview changed. */
export function onEnginesChanged(handler: () => void): Promise<Unsubscribe> {
  return listenTo<null>("engines-changed", () => handler());
}
