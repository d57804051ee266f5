// @vitest-environment node
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

import { afterAll, describe, expect, it } from "vitest";

import { rewriteXterm, XtermRewriteError } from "./xtermUnderStrictWebview";

/** The xterm module the app bundles, as installed. */
const xtermPath = join(dirname(createRequire(import.meta.url).resolve("@xterm/xterm/package.json")), "lib", "xterm.mjs");
const original = readFileSync(xtermPath, "utf8");
const scratch = mkdtempSync(join(tmpdir(), "berth-xterm-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Imports `code` as a module in a fresh node with Object.prototype frozen, as Tauri's
 *  `freezePrototype` does; returns "ok" or the error's message. */
function importFrozen(code: string, name: string): string {
  const file = join(scratch, `${name}.mjs`);
  writeFileSync(file, code);
  const script = `Object.freeze(Object.prototype);
import(${JSON.stringify(file)}).then((m) => console.log(typeof m.Terminal === "function" ? "ok" : "no Terminal"), (e) => console.log(e.message));`;
  return execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" }).trim();
}

describe("xterm under the strict webview", () => {
  it("the installed xterm fails to load under a frozen Object.prototype, the rewritten one loads", () => {
    expect(importFrozen(original, "original")).toMatch(/read only property 'toString'/);
    expect(importFrozen(rewriteXterm(original), "rewritten")).toBe("ok");
  });

  it("the renderer's style attribute becomes a CSSOM write", () => {
    const out = rewriteXterm(original);
    expect(out).not.toContain('setAttribute("style"');
    expect(out).toMatch(/_addStyle\((\w+),(\w+)\)\{\1\.style\.cssText\+=\2\+";"\}/);
  });

  it("a changed xterm fails the build instead of shipping unrewritten", () => {
    expect(() => rewriteXterm("export const a = 1;")).toThrow(XtermRewriteError);
    // The known assignment is there but a new one came with it.
    const more = original.replace("o.toString=s;", "o.toString=s;o.valueOf=s;");
    expect(() => rewriteXterm(more)).toThrow(/valueOf/);
    // Twice where once was expected: looked at again, not rewritten blindly.
    expect(() => rewriteXterm(original + "\n;(o=>{o.toString=s;})({});")).toThrow(/expected 1/);
  });
});
