/**
 * Loads uPlot on first use. uPlot builds `Intl.NumberFormat(navigator.language)` when its module
 * is evaluated; WebKitGTK under LANG=C reports the language "C", which `Intl` rejects, and the
 * import would throw. Such a language is replaced by "en-US" first.
 */
import type uPlot from "uplot";

import { safeLocale } from "./model";

let loading: Promise<typeof uPlot> | null = null;

export function loadUplot(): Promise<typeof uPlot> {
  if (!loading) {
    const language = typeof navigator === "undefined" ? undefined : navigator.language;
    if (language !== undefined && safeLocale(language) !== language) {
      Object.defineProperty(navigator, "language", { value: "en-US", configurable: true });
    }
    loading = import("uplot").then((m) => m.default);
  }
  return loading;
}
