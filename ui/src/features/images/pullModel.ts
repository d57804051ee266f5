/** The pull dialog's view of the engine's per-layer progress. */
import type { LayerPhase, LayerProgress, PullProgress } from "../../ipc/images";
import { formatBytes } from "../../lib/format";

export interface LayerView {
  id: string;
  /** 0-100, of the download (extraction counts as the download done). */
  percent: number;
  label: string;
  done: boolean;
  phase: LayerPhase;
}

const LABELS: Record<LayerPhase, string> = {
  waiting: "Waiting",
  downloading: "Downloading",
  verifying: "Verifying",
  downloaded: "Downloaded",
  extracting: "Extracting",
  complete: "Complete",
  already_exists: "Already present",
};

export function layerView(l: LayerProgress): LayerView {
  const done = l.phase === "complete" || l.phase === "already_exists";
  let percent = 0;
  if (done || l.phase === "downloaded" || l.phase === "verifying") percent = 100;
  else if (l.phase === "extracting") percent = 100;
  else if (l.phase === "downloading" && l.total) percent = Math.min(100, (l.current / l.total) * 100);
  let label = LABELS[l.phase];
  if (l.phase === "downloading" && l.total) label += ` ${formatBytes(l.current)} / ${formatBytes(l.total)}`;
  else if (l.phase === "extracting" && l.total) label += ` ${Math.round(Math.min(100, (l.current / l.total) * 100))}%`;
  return { id: l.id, percent, label, done, phase: l.phase };
}

export interface PullView {
  layers: LayerView[];
  /** Over the layers whose size is known: bytes done, bytes total, percent. */
  done: number;
  total: number;
  percent: number;
  status: string;
}

export function pullView(p: PullProgress | null): PullView {
  if (!p) return { layers: [], done: 0, total: 0, percent: 0, status: "" };
  let done = 0;
  let total = 0;
  for (const l of p.layers) {
    if (l.total === null) continue;
    total += l.total;
    done += l.phase === "downloading" ? Math.min(l.current, l.total) : l.phase === "waiting" ? 0 : l.total;
  }
  return {
    layers: p.layers.map(layerView),
    done,
    total,
    percent: total > 0 ? (done / total) * 100 : 0,
    status: p.status,
  };
}
