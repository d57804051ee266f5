/** The command log of this session: every click that has a docker equivalent adds its command. */
import { appendEntries, type LogEntry } from "./log";

class CommandLog {
  entries = $state.raw<LogEntry[]>([]);
  #nextId = 1;

  /** Logs `lines` for the click `what`; all succeeded unless `ok` says otherwise. */
  record(what: string, lines: readonly string[], ok = true): void {
    this.recordEach(
      what,
      lines.map((line) => ({ line, ok })),
    );
  }

  /** Logs lines that each succeeded or failed on their own (a bulk action). */
  recordEach(what: string, lines: readonly { line: string; ok: boolean }[]): void {
    this.entries = appendEntries(this.entries, this.#nextId, what, lines, Date.now());
    // Ids only grow, so a skipped duplicate never makes two entries share one.
    this.#nextId += lines.length;
  }

  clear(): void {
    this.entries = [];
  }
}

export const commandLog = new CommandLog();
