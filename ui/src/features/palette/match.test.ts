/** The palette's matching and ranking: typed words in any order, best match first. */
import { describe, expect, it } from "vitest";

import { rank, score } from "./match";

const items = [
  { title: "Containers", keywords: ["view"] },
  { title: "Stop web-30", keywords: ["container", "app:1"] },
  { title: "Stop web-3", keywords: ["container", "app:1"] },
  { title: "Logs of web-3", keywords: ["logs", "container"] },
  { title: "Launch nginx…", keywords: ["image", "nginx:latest"] },
  { title: "Launch nginx-proxy…", keywords: ["image", "nginx-proxy:latest"] },
  { title: "Restart web-3", keywords: ["container"] },
];
const titles = (query: string) => rank(query, items).map((r) => r.item.title);

describe("palette matching", () => {
  it("puts the exact title first, before a longer one it is the start of", () => {
    expect(titles("stop web-3").slice(0, 2)).toEqual(["Stop web-3", "Stop web-30"]);
  });

  it("is case-insensitive and takes the words in any order", () => {
    expect(titles("WEB-3 stop")[0]).toBe("Stop web-3");
  });

  it("needs every word: a word found nowhere drops the item", () => {
    expect(titles("stop nginx")).toEqual([]);
    expect(score("stop zzz", items[2]!)).toBe(0);
  });

  it("finds a word in the keywords too", () => {
    expect(titles("app:1")).toEqual(["Stop web-3", "Stop web-30"]);
  });

  it("ranks a title that starts with the query above one that only contains it", () => {
    expect(titles("launch nginx")[0]).toBe("Launch nginx…");
    expect(titles("web-3")[0]).not.toBe("Stop web-30");
  });

  it("accepts letters in order as a last resort, ranked below substrings", () => {
    expect(titles("lgs")).toEqual(["Logs of web-3"]);
    const substring = score("logs", items[3]!);
    const scattered = score("lgs", items[3]!);
    expect(scattered).toBeGreaterThan(0);
    expect(scattered).toBeLessThan(substring);
  });

  it("lists everything in the registry's order when nothing is typed, up to the limit", () => {
    expect(titles("")).toEqual(items.map((i) => i.title));
    expect(rank("", items, 3)).toHaveLength(3);
    expect(rank("e", items, 2)).toHaveLength(2);
  });
});
