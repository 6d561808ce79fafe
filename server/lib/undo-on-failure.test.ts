import { describe, expect, it } from 'vitest';
import { createLogger } from './logger';
import { undoOnFailure, type FailedStart } from './undo-on-failure';

/** A logger that keeps its lines, parsed. */
function recordingLog() {
  const lines: Record<string, unknown>[] = [];
  return { log: createLogger({}, { write: (line) => void lines.push(JSON.parse(line) as Record<string, unknown>) }), lines };
}

describe('undoOnFailure', () => {
  it('returns what the start returns and undoes nothing when every step succeeds', async () => {
    const undone: string[] = [];
    const { log, lines } = recordingLog();
    const result = await undoOnFailure(log, async (started) => {
      started.add('a', () => void undone.push('a'));
      return 42;
    });
    expect(result).toBe(42);
    expect(undone).toEqual([]);
    expect(lines).toEqual([]);
  });

  it('undoes the steps done before the failure, newest first, waiting for each, and rethrows the failure', async () => {
    const undone: string[] = [];
    const failure = new Error('listen EADDRINUSE');
    const { log } = recordingLog();
    const starting = undoOnFailure(log, async (started) => {
      started.add('database', () => void undone.push('database'));
      started.add('thread', async () => {
        await new Promise((resolve) => setTimeout(resolve, 10));
        undone.push('thread');
      });
      started.add('listener', () => void undone.push('listener'));
      throw failure;
    });
    await expect(starting).rejects.toBe(failure);
    expect(undone).toEqual(['listener', 'thread', 'database']);
    expect((failure as FailedStart).undoFailures).toBeUndefined();
  });

  it('still undoes the rest when an undo throws, keeps the start’s error, attaches and logs the undo’s without secrets', async () => {
    const undone: string[] = [];
    const failure = Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' });
    const undoError = Object.assign(new Error('worker did not stop'), { code: 'ESTUCK', token: 'secret-token-value' });
    const { log, lines } = recordingLog();
    const starting = undoOnFailure(log, async (started) => {
      started.add('database', () => void undone.push('database'));
      started.add('thread', () => {
        throw undoError;
      });
      started.add('listener', () => void undone.push('listener'));
      throw failure;
    });
    await expect(starting).rejects.toBe(failure);
    expect(undone).toEqual(['listener', 'database']);
    expect((failure as FailedStart).undoFailures).toEqual([{ step: 'thread', error: undoError }]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'error', step: 'thread', error: 'worker did not stop', code: 'ESTUCK' });
    expect(JSON.stringify(lines)).not.toContain('secret-token-value');
  });

  it('rethrows a thrown non-error as it is', async () => {
    const { log } = recordingLog();
    const starting = undoOnFailure(log, async (started) => {
      started.add('a', () => {
        throw new Error('also broken');
      });
      throw 'plain string';
    });
    await expect(starting).rejects.toBe('plain string');
  });
});
