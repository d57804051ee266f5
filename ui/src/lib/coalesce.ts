/**
 * Runs an async job on demand, one at a time, without losing the last request.
 *
 * - Idle: `request()` starts the job.
 * - Running: `request()` marks it dirty; when the current run ends it runs exactly once more,
 *   however many requests came in meanwhile.
 *
 * The returned promise settles when the run that covers this request has finished, so a caller
 * can await fresh data. The job reports its own errors; a rejection here is swallowed so one
 * failed fetch never stops the next one.
 */
export interface Coalescer {
  request(): Promise<void>;
  /** True while a run is in flight. */
  readonly running: boolean;
}

export function coalesce(job: () => Promise<void>): Coalescer {
  let current: Promise<void> | null = null;
  let next: Promise<void> | null = null;

  async function runSafely(): Promise<void> {
    try {
      await job();
    } catch {
      // The job handles and shows its own errors.
    }
  }

  function start(): Promise<void> {
    current = runSafely().finally(() => {
      current = null;
    });
    return current;
  }

  return {
    get running() {
      return current !== null;
    },
    request() {
      // A follow-up run is already queued: it starts after this request, so it covers it.
      if (next !== null) return next;
      if (current === null) return start();
      // A run is in flight and its data may predate this request: queue one follow-up run,
      // shared by every request that arrives before it starts.
      next = current.then(() => {
        next = null;
        return start();
      });
      return next;
    },
  };
}
