/**
 * Which engine the views' data comes from, shared with every main view's header (issue #8:
 * "each view saying which engine it shows"). App provides it once; `EngineTag` reads it.
 * A Svelte context rather than a prop so the views need no new plumbing.
 */
import { getContext, setContext } from "svelte";

import type { EngineInfo } from "../../ipc/commands";

const KEY = Symbol("shown-engine");

type ShownEngine = () => EngineInfo | null;

/** Call during App's init. `get` is read reactively, so pass a getter, not a value. */
export function provideShownEngine(get: ShownEngine): void {
  setContext(KEY, get);
}

/** The getter App provided; without a provider (a view rendered alone) nothing is shown. */
export function shownEngine(): ShownEngine {
  return getContext<ShownEngine | undefined>(KEY) ?? (() => null);
}

/** For tests: the context map `render(..., { context })` expects. */
export function shownEngineContext(info: EngineInfo | null): Map<symbol, ShownEngine> {
  return new Map([[KEY, () => info]]);
}
