import { describe, expect, it } from "vitest";

import type { ContainerState, ContainerSummary } from "../../ipc/containers";
import type { Group } from "../../ipc/groups";
import { projectRows, type ProjectListRow } from "./containerGroups";

const container = (id: string, state: ContainerState = "running"): ContainerSummary => ({
  id,
  short_id: id.slice(0, 12),
  name: id,
  image: "busybox:1",
  image_id: "sha256:1",
  command: "sh",
  state,
  status: "",
  ports: [],
  created: 0,
  labels: {},
});

function group(project: string, service: string | null, members: string[]): Group {
  return {
    kind: service === null ? "compose_project" : "compose_service",
    reference: service === null ? { kind: "compose_project", project } : { kind: "compose_service", project, service },
    key: service === null ? `compose:${project}` : `compose:${project}/${service}`,
    name: service ?? project,
    image: "",
    selector: { has: [], equal: {}, not_equal: {} },
    members,
    running: 0,
    total: members.length,
    scaling: "not_scalable",
    spec: null,
  };
}

/** One line per row: `P name running/total`, `S name running/total`, or the container's ID. */
function outline(rows: readonly ProjectListRow[]): string[] {
  return rows.map((r) =>
    r.kind === "project"
      ? `P ${r.project ?? "-"} ${r.running}/${r.total}`
      : r.kind === "service"
        ? `S ${r.service ?? "-"} ${r.running}/${r.total}`
        : r.container.id,
  );
}

const shop = [
  group("shop", null, ["shop-web-1", "shop-web-2", "shop-db-1", "shop-run-1"]),
  group("shop", "web", ["shop-web-1", "shop-web-2"]),
  group("shop", "db", ["shop-db-1"]),
];
const blog = [group("blog", null, ["blog-app-1"]), group("blog", "app", ["blog-app-1"])];
// A launch group is not a Compose project: its members are "not in a project" here.
const launch: Group = {
  ...group("x", null, ["solo"]),
  kind: "launch",
  reference: { kind: "launch", group: "g1" },
  key: "launch:g1",
};

describe("projectRows", () => {
  it("nests projects, services and containers, with running/total counts, loose ones last", () => {
    const containers = [
      container("shop-web-2", "exited"),
      container("solo"),
      container("shop-run-1"),
      container("shop-db-1"),
      container("blog-app-1", "paused"),
      container("shop-web-1"),
    ];
    expect(outline(projectRows(containers, [...shop, ...blog, launch]))).toEqual([
      "P blog 1/1",
      "S app 1/1",
      "blog-app-1",
      "P shop 3/4",
      "S db 1/1",
      "shop-db-1",
      "S web 1/2",
      // The given (sorted) order is kept within a service.
      "shop-web-2",
      "shop-web-1",
      "S - 1/1",
      "shop-run-1",
      "P - 1/1",
      "solo",
    ]);
  });

  it("shows no header for a project or service whose containers are all filtered out", () => {
    const rows = projectRows([container("shop-web-1"), container("solo", "exited")], [...shop, ...blog]);
    expect(outline(rows)).toEqual(["P shop 1/1", "S web 1/1", "shop-web-1", "P - 0/1", "solo"]);
  });

  it("has no 'not in a project' header when every container is in one, and nothing for no containers", () => {
    expect(outline(projectRows([container("blog-app-1")], blog))).toEqual(["P blog 1/1", "S app 1/1", "blog-app-1"]);
    expect(projectRows([], [...shop, ...blog])).toEqual([]);
  });

  it("gives every row a unique key, even for a project named like a service", () => {
    const groups = [group("web", null, ["a"]), group("web", "web", ["a"])];
    const rows = projectRows([container("a"), container("b")], groups);
    expect(new Set(rows.map((r) => r.key)).size).toBe(rows.length);
  });
});
