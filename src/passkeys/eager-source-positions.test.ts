import { describe, expect, it, vi } from 'vitest';
import { withEagerSourcePositions } from './eager-source-positions';

/** A stand-in for the JS Self-Profiling API's `Profiler`, recording what the app does with it. */
function fakeProfiler(behaviour: { refuse?: boolean; stopRejects?: boolean } = {}) {
  const log: string[] = [];
  const made: Array<EventTarget & { options: unknown; stop: ReturnType<typeof vi.fn> }> = [];
  class Profiler extends EventTarget {
    stop = vi.fn(() => {
      log.push('stop');
      return behaviour.stopRejects ? Promise.reject(new DOMException('already stopped', 'InvalidStateError')) : Promise.resolve({});
    });
    constructor(readonly options: unknown) {
      super();
      if (behaviour.refuse) throw new DOMException('Document policy violation: js-profiling is not allowed', 'NotAllowedError');
      log.push('start');
      made.push(this);
    }
  }
  return { win: { Profiler } as unknown as Window, log, made };
}

describe('withEagerSourcePositions', () => {
  it('runs the work inside a profiler: started before it, stopped once it settles', async () => {
    const { win, log, made } = fakeProfiler();
    const result = await withEagerSourcePositions(async () => {
      log.push('work');
      await Promise.resolve();
      log.push('work done');
      return 42;
    }, win);
    expect(result).toBe(42);
    expect(log).toEqual(['start', 'work', 'work done', 'stop']);
    expect(made).toHaveLength(1);
    // Few samples: only the profiler's running matters, and it stops itself within 30 s.
    expect(made[0]!.options).toEqual({ sampleInterval: 100, maxBufferSize: 300 });
  });

  it('stops the profiler when the work fails, and passes the failure on', async () => {
    const { win, log } = fakeProfiler();
    const failure = new Error('initialize failed');
    await expect(
      withEagerSourcePositions(async () => {
        log.push('work');
        throw failure;
      }, win),
    ).rejects.toBe(failure);
    expect(log).toEqual(['start', 'work', 'stop']);
  });

  it('stops the profiler when its buffer is full (work that never settles), and only once', async () => {
    const { win, log, made } = fakeProfiler();
    let finish!: (value: string) => void;
    const running = withEagerSourcePositions(() => new Promise<string>((resolve) => (finish = resolve)), win);
    made[0]!.dispatchEvent(new Event('samplebufferfull'));
    made[0]!.dispatchEvent(new Event('samplebufferfull'));
    expect(log).toEqual(['start', 'stop']);
    finish('late');
    await expect(running).resolves.toBe('late');
    expect(made[0]!.stop).toHaveBeenCalledTimes(1);
  });

  it('ignores a profiler that rejects stop() (the browser stopped it already)', async () => {
    const { win, log } = fakeProfiler({ stopRejects: true });
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      await expect(withEagerSourcePositions(async () => 'ok', win)).resolves.toBe('ok');
      await new Promise((resolve) => setTimeout(resolve, 0));
    } finally {
      process.off('unhandledRejection', unhandled);
    }
    expect(log).toEqual(['start', 'stop']);
    expect(unhandled).not.toHaveBeenCalled();
  });

  it('runs the work as it is where the page may not profile (no Document-Policy) or the browser has no Profiler', async () => {
    const refused = fakeProfiler({ refuse: true });
    await expect(withEagerSourcePositions(async () => 'no policy', refused.win)).resolves.toBe('no policy');
    expect(refused.log).toEqual([]);

    await expect(withEagerSourcePositions(async () => 'no api', {} as Window)).resolves.toBe('no api');
  });

  it("uses the page's own window by default", async () => {
    const { win, log } = fakeProfiler();
    vi.stubGlobal('Profiler', (win as unknown as { Profiler: unknown }).Profiler);
    try {
      await withEagerSourcePositions(async () => log.push('work'));
    } finally {
      vi.unstubAllGlobals();
    }
    expect(log).toEqual(['start', 'work', 'stop']);
  });
});
