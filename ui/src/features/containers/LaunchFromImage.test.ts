import { fireEvent, render } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";

import { makeInventory } from "../../dev/fixtures";
import { launchDialog } from "../launch/launcher.svelte";
import LaunchFromImage from "./LaunchFromImage.svelte";

describe("LaunchFromImage (the empty containers list)", () => {
  it("offers the named images and opens the launch dialog with the one chosen", async () => {
    const [a, b] = makeInventory(2).images;
    if (!a || !b) throw new Error("fixture has images");
    const images = [
      { ...a, tags: ["web:2"] },
      { ...b, tags: ["api:1", "api:latest"] },
    ];
    const view = render(LaunchFromImage, { images });
    const select = view.getByTestId("containers-empty-image") as HTMLSelectElement;
    expect([...select.options].map((o) => o.value)).toEqual(["api:1", "api:latest", "web:2"]);
    await fireEvent.change(select, { target: { value: "web:2" } });
    await fireEvent.click(view.getByTestId("containers-empty-launch"));
    expect(launchDialog.image).toBe("web:2");
  });

  it("offers nothing when only dangling images are there", () => {
    const [a] = makeInventory(1).images;
    if (!a) throw new Error("fixture has images");
    const view = render(LaunchFromImage, { images: [{ ...a, tags: [] }] });
    expect(view.queryByTestId("containers-empty-launch")).toBeNull();
  });
});
