import { describe, expect, it } from "vitest";

import { MAX_HELD, orderedInput } from "./orderedInput";

/** A send whose calls finish only when the test says so, recording what each carried. */
function slowSend() {
  const calls: string[] = [];
  const finish: (() => void)[] = [];
  let inFlight = 0;
  let most = 0;
  const send = (data: string) => {
    calls.push(data);
    inFlight++;
    most = Math.max(most, inFlight);
    return new Promise<void>((resolve) =>
      finish.push(() => {
        inFlight--;
        resolve();
      }),
    );
  };
  const flush = async () => {
    while (finish.length) {
      finish.shift()!();
      await new Promise((r) => setTimeout(r, 0));
    }
  };
  return { send, calls, flush, most: () => most };
}

describe("orderedInput", () => {
  it("keeps one call in flight and sends what was typed meanwhile joined, in order", async () => {
    const s = slowSend();
    const type = orderedInput(s.send);
    for (const key of "$((6*7))") type(key);
    await s.flush();
    expect(s.calls).toEqual(["$", "((6*7))"]);
    expect(s.calls.join("")).toBe("$((6*7))");
    expect(s.most()).toBe(1);
  });

  it("goes on after a failed call", async () => {
    const sent: string[] = [];
    let first = true;
    const type = orderedInput(async (d) => {
      sent.push(d);
      if (first) {
        first = false;
        throw new Error("gone");
      }
    });
    type("a");
    type("b");
    await new Promise((r) => setTimeout(r, 0));
    await new Promise((r) => setTimeout(r, 0));
    expect(sent).toEqual(["a", "b"]);
  });

  it("holds at most MAX_HELD while a call hangs, and says it dropped the rest", async () => {
    const s = slowSend();
    let dropped = 0;
    const type = orderedInput(s.send, () => dropped++);
    type("x");
    type("y".repeat(MAX_HELD));
    type("z");
    expect(dropped).toBe(1);
    await s.flush();
    expect(s.calls).toEqual(["x", "y".repeat(MAX_HELD)]);
  });
});
