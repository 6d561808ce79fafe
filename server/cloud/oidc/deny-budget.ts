/** How many sign-in denials of one application the audit log records one by one per window. */
export const DENY_AUDIT_LIMIT = 60;
export const DENY_AUDIT_WINDOW_MS = 60_000;

/** The denials of one window that were counted instead of recorded. */
export interface NotRecorded<M> {
  /** What `take` was given with the window's first denial (whom to attribute the row to). */
  about: M;
  count: number;
  from: Date;
  to: Date;
}

interface Window<M> {
  about: M;
  start: number;
  recorded: number;
  notRecorded: number;
}

/**
 * A budget for the audit rows of sign-in denials, per application, in fixed
 * windows. `bi-authenticate` is open to anyone who knows an application's
 * URL, and a malformed proof needs nothing else, so one row per denial let
 * anyone grow a tenant's audit log without bound. Within a window the first
 * `limit` denials are recorded one by one (an admin sees what they were);
 * the rest are only counted, and the count is recorded as one row once the
 * window has ended: on the next denial of that application, or by the
 * `flushDue` the caller runs on a timer, whichever comes first. Nothing is
 * hidden: every denial is either its own row or in a count.
 *
 * The state is per process (each cloud HTTP worker has its own), so with
 * several workers the log takes up to `limit` rows per worker per window.
 */
export function createDenyBudget<M>(options: { limit?: number; windowMs?: number } = {}) {
  const limit = options.limit ?? DENY_AUDIT_LIMIT;
  const windowMs = options.windowMs ?? DENY_AUDIT_WINDOW_MS;
  // Keyed by application id: only applications that exist reach the budget, so it stays small.
  const windows = new Map<string, Window<M>>();

  /** Takes the ended window of `key` out; what it did not record, if anything. */
  function close(key: string, window: Window<M>): NotRecorded<M> | undefined {
    windows.delete(key);
    if (window.notRecorded === 0) return undefined;
    return { about: window.about, count: window.notRecorded, from: new Date(window.start), to: new Date(window.start + windowMs) };
  }

  return {
    /**
     * One denial of `key` at `now`. `record`: whether to write its own row.
     * `ended`: a count from an earlier window to write as well (in the same write).
     */
    take(key: string, now: Date, about: M): { record: boolean; ended?: NotRecorded<M> } {
      const time = now.getTime();
      let window = windows.get(key);
      let ended: NotRecorded<M> | undefined;
      if (window && time >= window.start + windowMs) {
        ended = close(key, window);
        window = undefined;
      }
      if (!window) {
        window = { about, start: time, recorded: 0, notRecorded: 0 };
        windows.set(key, window);
      }
      const record = window.recorded < limit;
      if (record) window.recorded++;
      else window.notRecorded++;
      return ended ? { record, ended } : { record };
    },
    /** The counts of every window that has ended by `now`, taken out (for a timer to write). */
    flushDue(now: Date): NotRecorded<M>[] {
      const due: NotRecorded<M>[] = [];
      for (const [key, window] of windows) {
        if (now.getTime() < window.start + windowMs) continue;
        const ended = close(key, window);
        if (ended) due.push(ended);
      }
      return due;
    },
    /** Windows held (ended ones go at the next `take` of their key or `flushDue`). */
    get size(): number {
      return windows.size;
    },
  };
}

export type DenyBudget<M> = ReturnType<typeof createDenyBudget<M>>;
