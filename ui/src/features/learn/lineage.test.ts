import { describe, expect, it } from "vitest";

import type { ContainerState, ContainerSummary } from "../../ipc/containers";
import type { ImageSummary } from "../../ipc/images";
import { buildLineage, COLLAPSED_HOUSES, pickExamples, visibleHouses } from "./lineage";

function image(id: string, tags: string[]): ImageSummary {
  return {
    id,
    short_id: id.slice(0, 12),
    tags,
    digests: [],
    dangling: tags.length === 0,
    size: 1000,
    created: 0,
    containers_running: 0,
    containers_total: 0,
  };
}

function container(name: string, imageId: string, state: ContainerState, imageName = "x"): ContainerSummary {
  return {
    id: `id-${name}`,
    short_id: name,
    name,
    image: imageName,
    image_id: imageId,
    command: "",
    state,
    status: "",
    ports: [],
    created: 0,
    labels: {},
  };
}

describe("lineage", () => {
  it("puts each container under its image, running first, busiest image first", () => {
    const images = [image("sha256:a", ["a:1"]), image("sha256:b", ["b:1"]), image("sha256:c", [])];
    const containers = [
      container("b-2", "sha256:b", "exited"),
      container("b-1", "sha256:b", "running"),
      container("a-1", "sha256:a", "exited"),
      container("b-3", "sha256:b", "paused"),
    ];
    const l = buildLineage(images, containers);
    expect(l.map((b) => b.title)).toEqual(["b:1", "a:1", "sha256:c".slice(0, 12)]);
    expect(l[0]!.houses.map((h) => h.name)).toEqual(["b-1", "b-3", "b-2"]);
    expect(l[0]!.running).toBe(2);
    expect(l[2]!.houses).toEqual([]);
  });

  it("keeps containers whose image was removed, under what they were made from", () => {
    const l = buildLineage([], [container("o-1", "sha256:gone", "exited", "old:1"), container("o-2", "sha256:gone", "running", "old:1")]);
    expect(l).toHaveLength(1);
    expect(l[0]!.image).toBeNull();
    expect(l[0]!.title).toBe("old:1");
    expect(l[0]!.houses).toHaveLength(2);
  });

  it("draws a bounded number of houses while collapsed", () => {
    const many = Array.from({ length: 500 }, (_, i) => container(`h-${i}`, "sha256:a", "running"));
    const [bp] = buildLineage([image("sha256:a", ["a:1"])], many);
    expect(visibleHouses(bp!, false).shown).toHaveLength(COLLAPSED_HOUSES);
    expect(visibleHouses(bp!, false).hidden).toBe(500 - COLLAPSED_HOUSES);
    expect(visibleHouses(bp!, true).shown.length).toBeLessThan(500);
  });

  it("picks live examples from the user's own engine", () => {
    const images = [image("sha256:a", ["a:1"]), image("sha256:b", ["b:1"])];
    const containers = [container("b-1", "sha256:b", "exited"), container("b-2", "sha256:b", "running")];
    const ex = pickExamples(images, containers);
    expect(ex.image?.id).toBe("sha256:b");
    expect(ex.container?.name).toBe("b-2");
    expect(ex.housesOfImage).toBe(2);
    expect(pickExamples([], [])).toEqual({ image: null, container: null, housesOfImage: 0 });
  });
});
