import { describe, expect, it } from "vitest";

import type { PrunePreview } from "../../ipc/images";
import { forceRemoveImagePlan, prunePlan, quitPlan, removeContainersPlan, scaleDownPlan, stopAllPlan } from "./destroy";

const names = (n: number) => Array.from({ length: n }, (_, i) => `web-${i + 1}`);

describe("destroy plans (issue #13: say what goes, by name, and ask)", () => {
  it("names every container of a long list: no 'and 40 more'", () => {
    const targets = names(45).map((name) => ({ name, state: "exited" as const, status: "Exited (0)" }));
    const plan = removeContainersPlan(targets, false);
    expect(plan.title).toBe("Remove 45 containers?");
    expect(plan.sections).toHaveLength(1);
    expect(plan.sections[0]!.title).toBe("Containers (45)");
    expect(plan.sections[0]!.items.map((i) => i.name)).toEqual(names(45));
    expect(plan.commands).toHaveLength(45);
    expect(plan.confirm).toBe("Remove 45 containers");
    expect(JSON.stringify(plan)).not.toMatch(/more/);
  });

  it("says volumes stay unless ticked, and the commands follow the tick", () => {
    const targets = [{ name: "web-1", state: "running" as const, status: "Up 2 minutes" }];
    const kept = removeContainersPlan(targets, false, "group web");
    expect(kept.title).toBe("Remove group web?");
    expect(kept.keeps).toMatch(/^Volumes stay/);
    expect(kept.lead).toMatch(/^It is running: removing kills it first/);
    expect(kept.commands).toEqual(["docker rm -f web-1"]);
    const gone = removeContainersPlan(targets, true);
    expect(gone.keeps).toMatch(/anonymous volumes go/);
    expect(gone.commands).toEqual(["docker rm -f -v web-1"]);
  });

  it("counts the running ones among stopped ones", () => {
    const plan = removeContainersPlan(
      [
        { name: "a", state: "running", status: "" },
        { name: "b", state: "exited", status: "" },
        { name: "c", state: "created", status: "" },
      ],
      false,
    );
    expect(plan.lead).toMatch(/^1 of them is running: removing kills it first/);
    const none = removeContainersPlan([{ name: "b", state: "exited", status: "" }], false);
    expect(none.lead).toMatch(/^Each container goes/);
  });

  it("scale-down names the replicas and renders their removal with -v only when ticked", () => {
    const plan = scaleDownPlan("web-{n}", 1, ["web-3", "web-2"], false);
    expect(plan.title).toBe("Scale web-{n} down to 1?");
    expect(plan.sections[0]!.items.map((i) => i.name)).toEqual(["web-3", "web-2"]);
    expect(plan.commands).toEqual([
      { kind: "remove", container: "web-3", force: true, volumes: false },
      { kind: "remove", container: "web-2", force: true, volumes: false },
    ]);
    expect(scaleDownPlan("w", 0, ["w-1"], true).commands).toEqual([{ kind: "remove", container: "w-1", force: true, volumes: true }]);
  });

  it("an image force-remove names its tag, the tags that stay and the containers that lose it", () => {
    const plan = forceRemoveImagePlan(["app:1"], ["app:1", "app:latest"], ["web-1", "web-2"]);
    expect(plan.title).toBe("Force remove app:1?");
    expect(plan.sections.map((s) => s.title)).toEqual(["Tags removed (1)", "Containers that lose their image (2)"]);
    expect(plan.sections[1]!.items.map((i) => i.name)).toEqual(["web-1", "web-2"]);
    expect(plan.keeps).toBe("These tags stay: app:latest.");
    expect(plan.commands).toEqual([{ kind: "remove_image", image: "app:1", force: true }]);
    // Unused: no containers section.
    expect(forceRemoveImagePlan(["x:1"], ["x:1"], []).sections).toHaveLength(1);
  });

  it("prune lists each previewed object and the engine's own commands", () => {
    const preview: PrunePreview = {
      containers: [{ id: "c1", label: "old-web", size: 10 }],
      images: [{ id: "sha256:0123456789abcdef", label: "<none>", size: 20 }],
      reclaimable: 30,
      commands: ["docker container prune -f", "docker image prune -f"],
      scope: null,
    };
    const plan = prunePlan(preview);
    expect(plan.title).toBe("Remove 2 objects?");
    expect(plan.sections.map((s) => s.items.map((i) => i.name))).toEqual([["old-web"], ["<none>"]]);
    expect(plan.sections[1]!.items[0]!.note).toBe("0123456789ab");
    expect(plan.commands).toEqual(preview.commands);
    expect(plan.keeps).toMatch(/volumes stay/);
  });

  it("stop-all names each container and says nothing is removed", () => {
    const plan = stopAllPlan(["web-1", "api-1"]);
    expect(plan.title).toBe("Stop 2 containers launched by Berth?");
    expect(plan.sections[0]!.items.map((i) => i.name)).toEqual(["web-1", "api-1"]);
    expect(plan.keeps).toMatch(/^Nothing is removed/);
    expect(plan.commands).toEqual([
      { kind: "stop", container: "web-1" },
      { kind: "stop", container: "api-1" },
    ]);
  });

  it("quitting mid-launch names what a roll back removes, and only that", () => {
    const plan = quitPlan([{ group: "g1", planned: names(5), created: ["web-1", "web-2"] }]);
    expect(plan.title).toBe("A launch is running. Quit?");
    expect(plan.lead).toMatch(/^2 containers of 5 made so far/);
    expect(plan.sections[0]!.items.map((i) => i.name)).toEqual(["web-1", "web-2"]);
    expect(plan.commands).toEqual(["docker rm -f -v web-1", "docker rm -f -v web-2"]);
  });
});
