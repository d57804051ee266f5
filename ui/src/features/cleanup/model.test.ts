import { describe, expect, it } from "vitest";

import type { PrunePreview, PruneReport } from "../../ipc/images";
import { formatBytes } from "../../lib/format";
import { isEmptyRequest, previewMismatch, previewSummary, reportSummary } from "./model";

const preview: PrunePreview = {
  containers: [
    { id: "c1", label: "web-1", size: 100 },
    { id: "c2", label: "web-2", size: 0 },
  ],
  images: [{ id: "i1", label: "<none>", size: 5_000_000 }],
  reclaimable: 5_000_100,
  commands: ["docker container prune -f", "docker image prune -f"],
  scope: null,
};

describe("cleanup wording", () => {
  it("summarises a preview", () => {
    expect(previewSummary(preview)).toBe(
      `2 containers and 1 image will be removed, freeing up to ${formatBytes(5_000_100)}.`,
    );
    expect(previewSummary({ ...preview, containers: [], images: [] })).toBe("Nothing to remove.");
  });

  it("reports what the engine did, and where it differs from the preview", () => {
    const report: PruneReport = {
      containers_deleted: ["c1", "c3"],
      images_deleted: ["i1"],
      images_untagged: [],
      space_reclaimed: 4_000_000,
      commands: preview.commands,
    };
    expect(reportSummary(report)).toBe(`Removed 2 containers and 1 image, freed ${formatBytes(4_000_000)}.`);
    expect(previewMismatch(preview, report)).toBe(
      "Things changed since the preview: 1 container not in the preview also went; 1 previewed container stayed.",
    );
    expect(previewMismatch(preview, { ...report, containers_deleted: ["c1", "c2"] })).toBeNull();
    expect(reportSummary({ ...report, containers_deleted: [], images_deleted: [] })).toBe("The engine removed nothing.");
    expect(previewMismatch(preview, { ...report, containers_deleted: ["c1", "c2"], images_deleted: ["i1", "p1"] })).toBe(
      "1 untagged parent image of removed images went with them.",
    );
  });

  it("knows an empty request", () => {
    expect(isEmptyRequest({ containers: false, dangling_images: false, unused_images: false })).toBe(true);
    expect(isEmptyRequest({ containers: true, dangling_images: false, unused_images: false })).toBe(false);
  });
});
