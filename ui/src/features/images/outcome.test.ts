import { describe, expect, it } from "vitest";

import { removalText } from "./outcome.svelte";

describe("image removal outcome", () => {
  it("says whether a tag went or the whole image", () => {
    expect(removalText("app:2", 0, ["app:1"])).toBe("Removed the tag app:2. The image stays as app:1.");
    expect(removalText("app:1", 3, [])).toBe("Removed app:1: the image is gone (3 layers deleted).");
    expect(removalText("app:1", 1, [])).toBe("Removed app:1: the image is gone (1 layer deleted).");
  });
});
