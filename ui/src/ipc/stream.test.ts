/**
 * The ticketed stream against Tauri's IPC mock: the command gets a ticket and its channels,
 * `stop` ends it once through the right command, and a view that goes away ends its stream.
 */
import { render } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";

import LogsPane from "../features/logs/LogsPane.svelte";
import { subscribe } from "./stream";

type Calls = { cmd: string; args: Record<string, unknown> }[];

/** A backend whose streaming commands run until `stop_stream`/`cancel_launch` names their ticket. */
function fakeBackend(): Calls {
  const calls: Calls = [];
  const open = new Map<string, () => void>();
  mockIPC((cmd, args) => {
    const a = (args ?? {}) as Record<string, unknown>;
    calls.push({ cmd, args: a });
    if (cmd === "stop_stream" || cmd === "cancel_launch") {
      const end = open.get(a.ticket as string);
      open.delete(a.ticket as string);
      end?.();
      return Promise.resolve(end !== undefined);
    }
    return new Promise<string>((resolve) => open.set(a.ticket as string, () => resolve(`${cmd} ended`)));
  });
  return calls;
}

afterEach(() => clearMocks());

describe("subscribe", () => {
  it("passes a fresh ticket and one channel per handler, and done resolves once stopped", async () => {
    const calls = fakeBackend();
    const stream = subscribe<string>("pull_image", { reference: "busybox" }, { onProgress: () => {} });
    const started = calls[0];
    expect(started?.cmd).toBe("pull_image");
    expect(started?.args.reference).toBe("busybox");
    expect(typeof started?.args.ticket).toBe("string");
    expect(started?.args.onProgress).toBeDefined();

    expect(await stream.stop()).toBe(true);
    expect(await stream.done).toBe("pull_image ended");
    expect(calls[1]).toEqual({ cmd: "stop_stream", args: { ticket: started?.args.ticket } });
  });

  it("asks the backend once however often it is stopped, with the command given", async () => {
    const calls = fakeBackend();
    const stream = subscribe<string>("launch", {}, { onProgress: () => {}, onPull: () => {} }, "cancel_launch");
    await Promise.all([stream.stop(), stream.stop()]);
    await stream.stop();
    expect(calls.filter((c) => c.cmd === "cancel_launch")).toHaveLength(1);
  });

  it("gives each stream its own ticket", () => {
    const calls = fakeBackend();
    subscribe("watch_stats", {}, { onBatch: () => {} });
    subscribe("watch_stats", {}, { onBatch: () => {} });
    expect(calls[0]?.args.ticket).not.toBe(calls[1]?.args.ticket);
  });

  it("rejects done with an IpcError, and stop then says false without rejecting", async () => {
    mockIPC((cmd) => (cmd === "stop_stream" ? Promise.reject("gone") : Promise.reject({ kind: "not_found", message: "no such container" })));
    const stream = subscribe("container_logs", {}, { onLines: () => {} });
    await expect(stream.done).rejects.toEqual({ kind: "not_found", message: "no such container" });
    expect(await stream.stop()).toBe(false);
  });

  it("a log view that goes away stops its stream", async () => {
    const calls = fakeBackend();
    const view = render(LogsPane, { props: { id: "c1", name: "web-1", running: true } });
    await Promise.resolve();
    const follow = calls.find((c) => c.cmd === "container_logs");
    expect(follow).toBeDefined();
    view.unmount();
    await Promise.resolve();
    expect(calls.filter((c) => c.cmd === "stop_stream")).toEqual([{ cmd: "stop_stream", args: { ticket: follow?.args.ticket } }]);
  });
});
