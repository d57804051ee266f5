import { describe, expect, it } from "vitest";

import { foldOwnLabels } from "./fold";

describe("foldOwnLabels", () => {
  it("takes Berth's own labels out and keeps the user's", () => {
    const line =
      "docker run -d --name web-1 --label berth.group=g1 --label 'berth.launch={\"image\":\"nginx\",\"x\":\"it'\\''s\"}' " +
      "--label berth.replica=1 --label berth.seal=abc --label berth.test=run1 --label team=web --publish 8081:80 nginx";
    const f = foldOwnLabels(line);
    expect(f.short).toBe("docker run -d --name web-1 --label berth.test=run1 --label team=web --publish 8081:80 nginx");
    expect(f.folded).toHaveLength(4);
    expect(f.folded[1]).toContain("berth.launch=");
    expect(f.folded[1]).toContain("it'\\''s");
  });

  it("folds a service's container labels too", () => {
    const f = foldOwnLabels("docker service create --label berth.group=g1 --container-label berth.group=g1 --name s busybox");
    expect(f.short).toBe("docker service create --name s busybox");
  });

  it("leaves other commands alone", () => {
    expect(foldOwnLabels("docker pull busybox:latest")).toEqual({ short: "docker pull busybox:latest", folded: [] });
  });
});
