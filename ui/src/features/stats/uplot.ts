/**
 * Loads uPlot on first use. uPlot builds `Intl.NumberFormat(navigator.language)` when its module
 * is evaluated; WebKitGTK under LANG=C reports the language "C", which `Intl` rejects, and the
 * import would throw. Such a language is replaced by "en-US" first.
 */
import type uPlot from "uplot";

import { clockTime, formatterFor, safeLocale, yRange, type ChartSpec } from "./model";

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

/** A theme variable's current value (canvas colours cannot read CSS variables themselves). */
export function themeVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

/**
 * What every Berth chart shares: theme-coloured axes in the chart's unit, a y scale from
 * zero, a time x scale over the range the caller keeps (`xr`, read at each redraw), a live
 * legend and a clock-time first series. Callers push their own series.
 */
export function baseOptions(spec: ChartSpec, width: number, height: number, xr: () => [number, number]): uPlot.Options {
  const muted = themeVar("--text-muted");
  const grid = themeVar("--border");
  const font = `11px ${themeVar("--font-ui") || "sans-serif"}`;
  const fmt = formatterFor(spec.unit);
  const axis = { stroke: muted, font, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
  return {
    width: Math.max(200, width),
    height,
    legend: { live: true },
    cursor: { drag: { x: false, y: false } },
    scales: {
      x: { time: true, range: () => xr() },
      y: { range: (_u, _min, max) => yRange(max, spec.unit) },
    },
    axes: [
      { ...axis, values: (_u, splits) => splits.map(clockTime) },
      { ...axis, size: 64, values: (_u, splits) => splits.map((v) => fmt(v)) },
    ],
    series: [{ value: (_u, v) => (v === null ? "–" : clockTime(v)) }],
  };
}

/** Calls `rebuild` when the theme changes (system scheme or Berth's override); returns the
 *  unsubscribe. Charts are drawn in the theme's colours, so they must be rebuilt. */
export function onThemeChange(rebuild: () => void): () => void {
  const scheme = matchMedia("(prefers-color-scheme: dark)");
  scheme.addEventListener("change", rebuild);
  const themeAttr = new MutationObserver(rebuild);
  themeAttr.observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
  return () => {
    scheme.removeEventListener("change", rebuild);
    themeAttr.disconnect();
  };
}
