/**
 * The lines the logs pane keeps: a ring of the last `capacity` lines, so a container that
 * writes without end never grows the window's memory. Lines get a running sequence number
 * (stable keys for the virtual list) and the ring counts what it dropped.
 */
import type { LogLine, LogStream } from "../../ipc/containers";

export interface KeptLine extends LogLine {
  seq: number;
}

export class LogRing {
  readonly capacity: number;
  #buf: (KeptLine | undefined)[];
  #start = 0;
  #size = 0;
  #seq = 0;
  /** Lines pushed out of the ring since the last `clear()`. */
  dropped = 0;

  constructor(capacity: number) {
    if (capacity < 1) throw new Error("capacity must be at least 1");
    this.capacity = capacity;
    this.#buf = new Array(capacity);
  }

  get size(): number {
    return this.#size;
  }

  push(lines: readonly LogLine[]): void {
    for (const line of lines) {
      const kept: KeptLine = { ...line, seq: this.#seq++ };
      if (this.#size < this.capacity) {
        this.#buf[(this.#start + this.#size) % this.capacity] = kept;
        this.#size++;
      } else {
        this.#buf[this.#start] = kept;
        this.#start = (this.#start + 1) % this.capacity;
        this.dropped++;
      }
    }
  }

  clear(): void {
    this.#buf = new Array(this.capacity);
    this.#start = 0;
    this.#size = 0;
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
