import { describe, expect, it } from "vitest";

import { actionCommand, tabCommand } from "./detailCommands";

describe("detail pane commands", () => {
  it("maps each action button to its docker command", () => {
    expect(actionCommand("stop", "web-1")).toEqual({ kind: "stop", container: "web-1" });
    expect(actionCommand("remove", "web-1")).toEqual({ kind: "remove", container: "web-1", force: false, volumes: false });
    expect(actionCommand("remove", "web-1", true)).toEqual({ kind: "remove", container: "web-1", force: true, volumes: false });
  });

  it("maps each tab to the command that shows the same", () => {
    expect(tabCommand("logs", "w")).toEqual({ kind: "logs", container: "w", tail: 1000, timestamps: false, follow: true });
    expect(tabCommand("stats", "w")).toEqual({ kind: "stats", containers: ["w"], no_stream: false });
    expect(tabCommand("inspect", "w")).toEqual({ kind: "inspect", target: "w", size: false });
    expect(tabCommand("layers", "w")).toEqual({ kind: "diff", container: "w" });
  });
});
