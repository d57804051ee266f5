/** Terminals in containers (backend `ipc/terminal.rs`): detect the shell, open a TTY session,
 *  type into it, resize it, acknowledge drawn output, close it (`stop_stream`). */
import { Channel } from "@tauri-apps/api/core";

import { call } from "./core";
import { newTicket } from "./stream";
import type { ContainerId } from "./bindings/ContainerId";
import type { TerminalEnded } from "./bindings/TerminalEnded";
import type { TerminalSpec } from "./bindings/TerminalSpec";
import type { Ticket } from "./bindings/Ticket";

export type { TerminalEnded, TerminalSpec };

/** The shell the container has (`/bin/bash`, else `/bin/sh`, else `/bin/busybox sh`), or null. */
export function detectShell(id: ContainerId): Promise<string[] | null> {
  return call<string[] | null>("detect_shell", { id });
}

/** One open terminal. */
export interface TerminalSession {
  readonly ticket: Ticket;
  /** Settles when the session ends: how it ended, or an `IpcError` (it could not start). */
  readonly done: Promise<TerminalEnded>;
  input(data: string): Promise<void>;
  resize(cols: number, rows: number): Promise<void>;
  /** `batches` output batches were drawn: the backend may send more. */
  ack(batches: number): Promise<void>;
  /** Ends the session (the shell is ended in the container); never rejects. */
  close(): Promise<boolean>;
}

/** Opens `spec` in container `id`; every output batch goes to `onOutput`. */
export function openTerminal(id: ContainerId, spec: TerminalSpec, onOutput: (text: string) => void): TerminalSession {
  const ticket = newTicket("terminal");
  const channel = new Channel<string>();
  channel.onmessage = onOutput;
  const done = call<TerminalEnded>("open_terminal", { id, spec, ticket, onOutput: channel });
  let closing: Promise<boolean> | null = null;
  return {
    ticket,
    done,
    input: (data) => call<void>("terminal_input", { ticket, data }),
    resize: (cols, rows) => call<void>("terminal_resize", { ticket, cols, rows }),
    ack: (batches) => call<void>("terminal_ack", { ticket, batches }),
    close: () => (closing ??= call<boolean>("stop_stream", { ticket }).catch(() => false)),
  };
}
