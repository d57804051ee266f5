/**
 * Makes `@xterm/xterm` run in Berth's webview, which is stricter than a browser tab in two ways:
 *
 * 1. Tauri's `freezePrototype` freezes `Object.prototype`. xterm 6 builds a namespace object at
 *    import time with `o.toString = s`; a plain object inherits `toString` from the frozen
 *    prototype, and assigning it then throws in strict code (the "override mistake"), so the
 *    whole module failed to load. `Object.defineProperty` makes the same own property without
 *    an assignment, so it is allowed.
 * 2. The strict CSP (`style-src 'self'`, no 'unsafe-inline') refuses `setAttribute("style", …)`,
 *    which xterm's DOM renderer uses for 24-bit colours (`\e[38;2;R;G;Bm`). Writing through the
 *    CSSOM (`element.style.cssText`) sets the same declarations and is not inline markup.
 *
 * Each rewrite must match exactly as often as expected, else the build fails: an xterm upgrade
 * that changes the code must be looked at again, not ship a blank window or a CSP violation.
 */
import type { Plugin } from "vite";

/** The module Vite resolves `@xterm/xterm` to (its `module` field). */
const XTERM_MODULE = /[\\/]@xterm[\\/]xterm[\\/]lib[\\/]xterm\.mjs$/;

/** Names on `Object.prototype` that an assignment would collide with (all but `__proto__`,
 *  whose setter is not affected by the freeze). */
const FROZEN_NAMES = [
  "toString",
  "toLocaleString",
  "valueOf",
  "constructor",
  "hasOwnProperty",
  "isPrototypeOf",
  "propertyIsEnumerable",
  "__defineGetter__",
  "__defineSetter__",
  "__lookupGetter__",
  "__lookupSetter__",
];

interface Rewrite {
  what: string;
  pattern: RegExp;
  replace: (match: string, ...groups: string[]) => string;
  times: number;
}

const REWRITES: Rewrite[] = [
  {
    what: "the namespace object's `X.toString = f` (throws under a frozen Object.prototype)",
    // `o.toString=s;` inside `(o=>{ … })(Qn||(Qn={}))`: identifiers only, minified.
    pattern: /([A-Za-z_$][\w$]*)\.toString=([A-Za-z_$][\w$]*);/g,
    replace: (_m, target, value) =>
      `Object.defineProperty(${target},"toString",{value:${value},writable:!0,enumerable:!0,configurable:!0});`,
    times: 1,
  },
  {
    what: 'the DOM renderer\'s `setAttribute("style", …)` (refused by the strict CSP)',
    pattern: /_addStyle\(([A-Za-z_$][\w$]*),([A-Za-z_$][\w$]*)\)\{\1\.setAttribute\("style",`\$\{\1\.getAttribute\("style"\)\|\|""\}\$\{\2\};`\)\}/g,
    replace: (_m, el, css) => `_addStyle(${el},${css}){${el}.style.cssText+=${css}+";"}`,
    times: 1,
  },
];

export class XtermRewriteError extends Error {}

/** The rewritten xterm source; throws if a rewrite does not match as expected or if an
 *  assignment to a frozen name or a `style` attribute is still there afterwards. */
export function rewriteXterm(code: string): string {
  let out = code;
  for (const r of REWRITES) {
    const found = out.match(r.pattern)?.length ?? 0;
    if (found !== r.times) {
      throw new XtermRewriteError(
        `@xterm/xterm: expected ${r.times} of ${r.what}, found ${found}. ` +
          "xterm changed: look at the new code (vite-plugins/xtermUnderStrictWebview.ts) before shipping it.",
      );
    }
    out = out.replace(r.pattern, r.replace as (m: string, ...g: string[]) => string);
  }
  const frozen = new RegExp(`\\.(${FROZEN_NAMES.join("|")})\\s*=(?![=>])`, "g");
  const left = [...out.matchAll(frozen)].map((m) => m[0]);
  if (left.length > 0) {
    throw new XtermRewriteError(
      `@xterm/xterm assigns a name Object.prototype has (${left.join(", ")}): that throws under freezePrototype`,
    );
  }
  if (out.includes('setAttribute("style"')) {
    throw new XtermRewriteError('@xterm/xterm still sets a style attribute, which the strict CSP refuses');
  }
  return out;
}

export function xtermUnderStrictWebview(): Plugin {
  let seen = false;
  return {
    name: "berth:xterm-under-strict-webview",
    enforce: "pre",
    transform(code, id) {
      if (!XTERM_MODULE.test(id.split("?")[0]!)) return null;
      seen = true;
      try {
        // The source map is xterm's own, for the unchanged lines; the edits are a few characters.
        return { code: rewriteXterm(code), map: null };
      } catch (e) {
        this.error((e as Error).message);
      }
    },
    buildEnd(error) {
      // A build that bundles the terminal but never passed xterm through here (a new entry
      // file, a changed resolution) would ship it unrewritten.
      if (!error && !seen && this.meta.watchMode === false && hasTerminal(this.getModuleIds())) {
        this.error("@xterm/xterm was bundled without going through the xterm rewrite (resolved elsewhere?)");
      }
    },
  };
}

function hasTerminal(ids: IterableIterator<string>): boolean {
  for (const id of ids) if (/[\\/]@xterm[\\/]xterm[\\/]/.test(id)) return true;
  return false;
}
