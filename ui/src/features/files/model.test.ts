import { describe, expect, it } from "vitest";
import { modeText, uploadRefusal } from "./model";

describe("files model", () => {
  it("shows modes like ls -l", () => {
    expect(modeText(0o755)).toBe("rwxr-xr-x");
    expect(modeText(0o640)).toBe("rw-r-----");
  });

  it("refuses a path as a name and a file over the limit, before reading it", () => {
    expect(uploadRefusal("a/b", 1, 10)).toMatch(/one name/);
    expect(uploadRefusal("big.iso", 2 * 1024 ** 3, 64 * 1024 ** 2)).toMatch(/up to 64 MiB/);
    expect(uploadRefusal("two\nlines", 1, 10)).toBeNull();
  });
});
