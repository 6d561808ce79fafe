import type { Logger } from './logger';

/**
 * Undoes one step of a start: closes, stops or ends what the step opened. What it returns
 * is awaited and otherwise ignored (`db.close()` returns the database).
 */
export type Undo = () => unknown;

/** Where a start records how to undo each step once the step has succeeded. */
export interface Started {
  /** `step` names it in the log, should undoing it fail. */
  add(step: string, undo: Undo): void;
}

/** An undo that threw while a failed start was being undone. */
export interface UndoFailure {
  step: string;
  error: unknown;
}

/** The start's own error, with the undos that failed after it attached (when it is an object). */
export type FailedStart = Error & { undoFailures?: UndoFailure[] };

/**
 * Runs a start made of several steps (open a database, start a thread, listen on a port...)
 * and, should a step throw, undoes the steps before it, newest first, before rethrowing.
 * Without it a port already taken leaves the earlier threads, timers and sockets running:
 * the caller gets the error but no handle to stop them, and the process does not exit.
 *
 * Every undo runs, even after one has thrown. The error rethrown is always the start's own,
 * which says what went wrong; an undo's failure is logged (its message and code only, as
 * anything more could carry a row or a credential) and attached as `undoFailures`.
 */
export async function undoOnFailure<T>(log: Pick<Logger, 'error'>, start: (started: Started) => Promise<T>): Promise<T> {
  const undos: { step: string; undo: Undo }[] = [];
  try {
    return await start({ add: (step, undo) => void undos.push({ step, undo }) });
  } catch (error) {
    const failures: UndoFailure[] = [];
    for (const { step, undo } of undos.reverse()) {
      try {
        await undo();
      } catch (undoError) {
        failures.push({ step, error: undoError });
        const e = undoError as { code?: unknown; message?: unknown };
        log.error('undoing a failed start: a step could not be undone', {
          step,
          error: typeof e?.message === 'string' ? e.message : String(undoError),
          ...(typeof e?.code === 'string' ? { code: e.code } : {}),
        });
      }
    }
    if (failures.length > 0 && typeof error === 'object' && error !== null && Object.isExtensible(error)) {
      (error as FailedStart).undoFailures = [...((error as FailedStart).undoFailures ?? []), ...failures];
    }
    throw error;
  }
}
