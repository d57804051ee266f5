import { describe, expect, it } from "vitest";

import type { ContainerSummary } from "../../ipc/containers";
import { shownRunning, type ListRow } from "./listStats.svelte";

function row(id: string, state: string): ListRow {
  return { kind: "container", container: { id, state } as unknown as ContainerSummary };
}

describe("shownRunning", () => {
  // 100 rows of 32 px: a header, then containers alternately running and exited.
  const rows: ListRow[] = [{ kind: "group" }];
  for (let i = 1; i < 100; i++) rows.push(row(`c${String(i).padStart(2, "0")}`, i % 2 ? "running" : "exited"));

  it("names only the running containers of the rows on screen", () => {
    // 320 px from the top: rows 0-9, of which 1, 3, 5, 7, 9 run.
    expect(shownRunning(rows, 0, 320, 32)).toEqual(["c01", "c03", "c05", "c07", "c09"]);
  });

  it("follows the scroll position, counting a row cut at either edge", () => {
    // Scrolled to 50.5 rows: row 50 is half shown, and so is row 60 at the bottom.
    expect(shownRunning(rows, 50.5 * 32, 320, 32)).toEqual(["c51", "c53", "c55", "c57", "c59"]);
  });

  it("stops at the last row and assumes a tall viewport before layout", () => {
    expect(shownRunning(rows, 95 * 32, 320, 32)).toEqual(["c95", "c97", "c99"]);
    expect(shownRunning(rows, 0, 0, 32)).toHaveLength(19); // 1,200 px: rows 0-37
    expect(shownRunning([], 0, 320, 32)).toEqual([]);
  });
});
