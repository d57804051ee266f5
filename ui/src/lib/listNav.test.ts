/** The shared list keys: arrows move between rows, Enter runs a row's main control, the list
 *  is one Tab stop, and a text field keeps its own keys. */
import { afterEach, describe, expect, it, vi } from "vitest";

import { listNav } from "./listNav";

function list(n: number) {
  const ul = document.createElement("ul");
  for (let i = 0; i < n; i++) {
    const li = document.createElement("li");
    li.dataset.id = String(i);
    li.innerHTML = `<input type="text" aria-label="t${i}"><button type="button">stop ${i}</button><button type="button" class="link">open ${i}</button>`;
    ul.append(li);
  }
  document.body.append(ul);
  return { ul, rows: Array.from(ul.querySelectorAll("li")) };
}

function press(target: Element, key: string) {
  const event = new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true });
  target.dispatchEvent(event);
  return event;
}

afterEach(() => (document.body.innerHTML = ""));

describe("listNav", () => {
  it("makes the first row the list's one Tab stop", () => {
    const { ul, rows } = list(3);
    listNav(ul, { items: "li" });
    expect(rows.map((r) => r.tabIndex)).toEqual([0, -1, -1]);
  });

  it("moves with the arrows, Home and End, and the Tab stop follows", () => {
    const { ul, rows } = list(3);
    listNav(ul, { items: "li" });
    rows[0]!.focus();
    expect(press(rows[0]!, "ArrowDown").defaultPrevented).toBe(true);
    expect(document.activeElement).toBe(rows[1]);
    press(rows[1]!, "End");
    expect(document.activeElement).toBe(rows[2]);
    press(rows[2]!, "ArrowUp");
    expect(document.activeElement).toBe(rows[1]);
    press(rows[1]!, "Home");
    expect(document.activeElement).toBe(rows[0]);
    press(rows[0]!, "ArrowDown");
    expect(rows.map((r) => r.tabIndex)).toEqual([-1, 0, -1]);
  });

  it("Enter on a row clicks its main control (its link, never its first button); a view's own key goes to onkey", () => {
    const { ul, rows } = list(2);
    const clicked = vi.fn();
    const stop = vi.fn();
    rows[1]!.querySelector("button")!.addEventListener("click", stop);
    rows[1]!.querySelector("button.link")!.addEventListener("click", clicked);
    const onkey = vi.fn((e: KeyboardEvent) => e.key === "Delete");
    listNav(ul, { items: "li", onkey });
    press(rows[1]!, "Enter");
    expect(clicked).toHaveBeenCalledOnce();
    expect(stop).not.toHaveBeenCalled();
    expect(press(rows[1]!, "Delete").defaultPrevented).toBe(true);
    expect(onkey).toHaveBeenCalledWith(expect.any(KeyboardEvent), rows[1]);
    expect(press(rows[1]!, "x").defaultPrevented).toBe(false);
  });

  it("leaves a text field's keys to it", () => {
    const { ul, rows } = list(2);
    listNav(ul, { items: "li" });
    const input = rows[0]!.querySelector("input")!;
    input.focus();
    expect(press(input, "ArrowDown").defaultPrevented).toBe(false);
    expect(document.activeElement).toBe(input);
  });
});
