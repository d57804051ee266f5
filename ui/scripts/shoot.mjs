// Drives headless Chromium over the DevTools protocol to screenshot the mock build after some
// interactions, and prints console errors and CSP violations. Dev tool only; needs node's
// WebSocket (node 22+, or node 20 with --experimental-websocket).
//
//   node --experimental-websocket scripts/shoot.mjs OUT.png 'mock=ok' [light|dark] [step] ...
// (SIZE=WxH sets the window, default 1280x800) where a step is JS to evaluate, `key:Tab` (a real key press) or a number of ms to wait.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [out, query = "mock=ok", scheme = "light", ...steps] = process.argv.slice(2);
const [width, height] = (process.env.SIZE ?? "1280x800").split("x").map(Number);
const port = 9333 + Math.floor(Math.random() * 500);
const profile = mkdtempSync(join(tmpdir(), "berth-shot-"));
const chrome = spawn(
  "chromium",
  [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--hide-scrollbars",
    `--user-data-dir=${profile}`,
    `--remote-debugging-port=${port}`,
    `--window-size=${width},${height}`,
    "about:blank",
  ],
  { stdio: "ignore" },
);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

try {
  let target;
  for (let i = 0; i < 50 && !target; i++) {
    await sleep(100);
    try {
      const list = await (await fetch(`http://127.0.0.1:${port}/json`)).json();
      target = list.find((t) => t.type === "page");
    } catch {}
  }
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((r) => ws.addEventListener("open", r, { once: true }));
  let id = 0;
  const pending = new Map();
  ws.addEventListener("message", (e) => {
    const msg = JSON.parse(e.data);
    if (msg.id && pending.has(msg.id)) {
      pending.get(msg.id)(msg);
      pending.delete(msg.id);
    } else if (msg.method === "Runtime.consoleAPICalled" && ["error", "warning"].includes(msg.params.type)) {
      console.log(`console.${msg.params.type}:`, msg.params.args.map((a) => a.value ?? a.description).join(" "));
    } else if (msg.method === "Runtime.exceptionThrown") {
      console.log("exception:", msg.params.exceptionDetails.exception?.description ?? msg.params.exceptionDetails.text);
    } else if (msg.method === "Log.entryAdded" && msg.params.entry.level !== "verbose") {
      console.log(`log.${msg.params.entry.level}:`, msg.params.entry.text);
    }
  });
  const send = (method, params = {}) =>
    new Promise((resolve) => {
      const n = ++id;
      pending.set(n, resolve);
      ws.send(JSON.stringify({ id: n, method, params }));
    });
  await send("Runtime.enable");
  await send("Log.enable");
  await send("Emulation.setEmulatedMedia", { features: [{ name: "prefers-color-scheme", value: scheme }] });
  await send("Emulation.setDeviceMetricsOverride", { width, height, deviceScaleFactor: 1, mobile: false });
  await send("Page.navigate", { url: `${process.env.BASE ?? "http://127.0.0.1:4173/"}?${query}` });
  await sleep(1200);
  for (const step of steps) {
    if (step.startsWith("key:")) {
      // A real key press, e.g. key:Tab or key:ArrowDown (drives :focus-visible like a person would).
      const key = step.slice(4);
      const code = { Tab: 9, Enter: 13, Escape: 27, ArrowUp: 38, ArrowDown: 40, " ": 32 }[key] ?? 0;
      const text = { Enter: "\r", " ": " " }[key];
      await send("Input.dispatchKeyEvent", { type: text ? "keyDown" : "rawKeyDown", key, text, windowsVirtualKeyCode: code });
      await send("Input.dispatchKeyEvent", { type: "keyUp", key, windowsVirtualKeyCode: code });
      await sleep(100);
      continue;
    }
    if (/^\d+$/.test(step)) {
      await sleep(Number(step));
      continue;
    }
    const r = await send("Runtime.evaluate", { expression: step, awaitPromise: true, returnByValue: true });
    if (r.result?.exceptionDetails) console.log("step failed:", step, r.result.exceptionDetails.text);
    else if (r.result?.result?.value !== undefined) console.log("=>", JSON.stringify(r.result.result.value));
    await sleep(300);
  }
  const shot = await send("Page.captureScreenshot", { format: "png" });
  writeFileSync(out, Buffer.from(shot.result.data, "base64"));
  ws.close();
} finally {
  chrome.kill();
  await sleep(200);
  rmSync(profile, { recursive: true, force: true });
}
