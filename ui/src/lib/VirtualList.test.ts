import { render } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";

import VirtualListHarness from "../test/VirtualListHarness.svelte";

describe("VirtualList", () => {
  it("renders short lists whole", () => {
    const { getAllByTestId } = render(VirtualListHarness, { count: 40 });
    expect(getAllByTestId("item")).toHaveLength(40);
  });

  it("renders only a window of a long list, sized for all of it", () => {
    const { getAllByTestId, container } = render(VirtualListHarness, { count: 1000 });
    const items = getAllByTestId("item");
    // 1200px assumed viewport / 32px rows + overscan: far fewer than 1,000.
    expect(items.length).toBeGreaterThan(20);
    expect(items.length).toBeLessThan(80);
    expect(items[0]?.textContent).toBe("item 0");
    const spacer = container.querySelector<HTMLElement>(".spacer");
    expect(spacer?.style.height).toBe(`${1000 * 32}px`);
  });

  it("shows the empty snippet for no items", () => {
    const { getByText } = render(VirtualListHarness, { count: 0 });
    expect(getByText("nothing here")).toBeTruthy();
  });
});
