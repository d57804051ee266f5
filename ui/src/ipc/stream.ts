/**
 * One ticketed stream: the shape every log follow, pull, stats watch, launch and scale shares.
 * The backend command takes a `ticket` and one `Channel` per kind of message, sends batches on
 * them, and returns when the stream ends; the ticket lets the UI end it early.
 */
import { Channel } from "@tauri-apps/api/core";

import { call, type CommandName } from "./core";
import type { Ticket } from "./bindings/Ticket";

/** A running stream. */
export interface Stream<T> {
  /** Settles when the command returns: the stream ended (by itself or stopped), or failed
   *  with an `IpcError`. */
  readonly done: Promise<T>;
  /** Ends the stream (a launch or scale is cancelled, what it made removed); false if it had
   *  already ended. Never rejects, and asks the backend only once. */
  stop(): Promise<boolean>;
}

/** How the backend ends a stream: logs, pulls and stats are stopped; launches and scales are
 *  cancelled (and rolled back). */
export type StopCommand = Extract<CommandName, "stop_stream" | "cancel_launch" | "cancel_compose">;

/** Each channel argument of the command (by its camelCase name) and what to do with a message. */
// `never` accepts a handler of any message type: each handler types its own channel.
export type Handlers = Record<string, (message: never) => void>;

/** A fresh id naming one stream for the backend's stop/cancel. */
export function newTicket(prefix: string): Ticket {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Starts `command` with `args`, a new ticket and one channel per handler. */
export function subscribe<T>(
  command: CommandName,
  args: Record<string, unknown>,
  handlers: Handlers,
  stopWith: StopCommand = "stop_stream",
): Stream<T> {
  const ticket = newTicket(command);
  const channels: Record<string, Channel<unknown>> = {};
  for (const [name, handler] of Object.entries(handlers)) {
    const channel = new Channel<unknown>();
    channel.onmessage = handler as (message: unknown) => void;
    channels[name] = channel;
  }
  const done = call<T>(command, { ...args, ...channels, ticket });
  let stopping: Promise<boolean> | null = null;
  return {
    done,
    stop: () => (stopping ??= call<boolean>(stopWith, { ticket }).catch(() => false)),
  };
}
