import { describe, expect, it } from "vitest";
import { childPath, crumbs, parentPath, savedMessage } from "./paths";

describe("folder paths", () => {
  it("builds crumbs below an absolute root", () => {
    expect(crumbs("/")).toEqual([]);
    expect(crumbs("/etc/ssl")).toEqual([
      { name: "etc", path: "/etc" },
      { name: "ssl", path: "/etc/ssl" },
    ]);
  });
  it("builds crumbs below a relative root", () => {
    expect(crumbs("")).toEqual([]);
    expect(crumbs("logs/2026")).toEqual([
      { name: "logs", path: "logs" },
      { name: "2026", path: "logs/2026" },
    ]);
  });
  it("joins a child to either kind of folder", () => {
    expect(childPath("/", "etc")).toBe("/etc");
    expect(childPath("/etc", "a b")).toBe("/etc/a b");
    expect(childPath("", "a")).toBe("a");
    expect(childPath("logs", "a")).toBe("logs/a");
  });
  it("goes up and stops at the root", () => {
    expect(parentPath("/etc/ssl")).toBe("/etc");
    expect(parentPath("/etc")).toBe("/");
    expect(parentPath("/")).toBe("/");
    expect(parentPath("logs/2026")).toBe("logs");
    expect(parentPath("logs")).toBe("");
  });
  it("says where a download went", () => {
    const size = (b: number) => `${b} B`;
    expect(savedMessage({ path: "/d/a.txt", as_tar: false, bytes: 3 }, size)).toBe("Saved /d/a.txt (3 B)");
    expect(savedMessage({ path: "/d/x.tar", as_tar: true, bytes: 9 }, size)).toBe("Saved the folder as a .tar archive: /d/x.tar (9 B)");
  });
});
