/**
 * The lines the logs pane keeps: a ring of the last `capacity` lines and at most `maxChars`
 * characters of text, so a container that writes without end never grows the window's memory
 * (the backend cuts a line past 16 KiB, but 20,000 such lines would still be 320 MB). Lines
 * get a running sequence number (stable keys for the virtual list) and the ring counts what it
 * dropped.
 */
import type { LogLine, LogStream } from "../../ipc/containers";

export interface KeptLine extends LogLine {
  seq: number;
}

/** Default text bound: 16 M characters (32 MB as JavaScript strings), about 200,000 typical lines. */
export const RING_MAX_CHARS = 16 * 1024 * 1024;

function charsOf(line: LogLine): number {
  return line.text.length + (line.timestamp?.length ?? 0);
}

export class LogRing {
  readonly capacity: number;
  readonly maxChars: number;
  #buf: (KeptLine | undefined)[];
  #start = 0;
  #size = 0;
  #seq = 0;
  #chars = 0;
  /** Lines pushed out of the ring since the last `clear()`. */
  dropped = 0;

  constructor(capacity: number, maxChars: number = RING_MAX_CHARS) {
    if (capacity < 1) throw new Error("capacity must be at least 1");
    this.capacity = capacity;
    this.maxChars = maxChars;
    this.#buf = new Array(capacity);
  }

  get size(): number {
    return this.#size;
  }

  push(lines: readonly LogLine[]): void {
    for (const line of lines) {
      const kept: KeptLine = { ...line, seq: this.#seq++ };
      if (this.#size === this.capacity) this.#dropOldest();
      this.#buf[(this.#start + this.#size) % this.capacity] = kept;
      this.#size++;
      this.#chars += charsOf(kept);
      // The newest line always stays, even alone over the bound.
      while (this.#chars > this.maxChars && this.#size > 1) this.#dropOldest();
    }
  }

  #dropOldest(): void {
    const old = this.#buf[this.#start];
    if (old) this.#chars -= charsOf(old);
    this.#buf[this.#start] = undefined;
    this.#start = (this.#start + 1) % this.capacity;
    this.#size--;
    this.dropped++;
  }

  clear(): void {
    this.#buf = new Array(this.capacity);
    this.#start = 0;
    this.#size = 0;
    this.#chars = 0;
    this.dropped = 0;
  }

  /** Oldest first. */
  toArray(): KeptLine[] {
    const out: KeptLine[] = new Array(this.#size);
    for (let i = 0; i < this.#size; i++) out[i] = this.#buf[(this.#start + i) % this.capacity] as KeptLine;
    return out;
  }
}

export type StreamFilter = "both" | LogStream;

/** The lines to show: by stream, then by a case-insensitive search of the text. */
export function filterLines(lines: readonly KeptLine[], stream: StreamFilter, search: string): KeptLine[] {
  const needle = search.trim().toLowerCase();
  return lines.filter(
    (l) => (stream === "both" || l.stream === stream) && (needle === "" || l.text.toLowerCase().includes(needle)),
  );
}
