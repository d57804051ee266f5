/**
 * A terminal's keystrokes, sent in the order they were typed. Each `terminal_input` is an IPC
 * call of its own and Tauri runs async commands concurrently, so two calls in flight can reach
 * the container's TTY in either order (seen under load: `$((6*7))` arrived as `$((76*))`).
 * So one call is in flight at a time, and what is typed meanwhile goes out joined in the next.
 */

/** Input held while a call is in flight; past it, more typing is dropped (and said once). A
 *  paste is one piece, which is always taken whole. */
export const MAX_HELD = 1 << 20;

export function orderedInput(send: (data: string) => Promise<unknown>, onDropped: () => void = () => {}): (data: string) => void {
  let held = "";
  let busy = false;

  async function pump() {
    busy = true;
    while (held) {
      const data = held;
      held = "";
      try {
        await send(data);
      } catch {
        // The session has ended or failed: its end is told by the terminal itself.
      }
    }
    busy = false;
  }

  return (data) => {
    if (held && held.length + data.length > MAX_HELD) {
      onDropped();
      return;
    }
    held += data;
    if (!busy) void pump();
  };
}
