import { describe, expect, it } from 'vitest';
import { createDenyBudget } from './deny-budget';

const at = (ms: number) => new Date(Date.UTC(2026, 11, 5) + ms);

describe('createDenyBudget', () => {
  it('records the first `limit` denials of a window one by one and counts the rest', () => {
    const budget = createDenyBudget<string>({ limit: 3, windowMs: 1000 });
    const taken = Array.from({ length: 5 }, (_, i) => budget.take('app', at(i), 'A'));
    expect(taken.map((x) => x.record)).toEqual([true, true, true, false, false]);
    expect(taken.every((x) => x.ended === undefined)).toBe(true);
  });

  it('hands over the count of an ended window with the next denial of its key, once', () => {
    const budget = createDenyBudget<string>({ limit: 1, windowMs: 1000 });
    budget.take('app', at(0), 'A');
    budget.take('app', at(10), 'A');
    budget.take('app', at(999), 'A');
    const next = budget.take('app', at(1000), 'A');
    expect(next).toEqual({ record: true, ended: { about: 'A', count: 2, from: at(0), to: at(1000) } });
    // The new window started at 1000: its own budget, nothing left of the old one.
    expect(budget.take('app', at(1500), 'A')).toEqual({ record: false });
    expect(budget.take('app', at(2000), 'A').ended?.count).toBe(1);
  });

  it('keeps a budget per key: one application’s flood leaves another’s rows alone', () => {
    const budget = createDenyBudget<string>({ limit: 2, windowMs: 1000 });
    for (let i = 0; i < 10; i++) budget.take('flooded', at(i), 'F');
    expect(budget.take('quiet', at(20), 'Q').record).toBe(true);
    expect(budget.take('quiet', at(21), 'Q').record).toBe(true);
  });

  it('flushDue takes out the ended windows only: their counts, and the empty ones go quietly', () => {
    const budget = createDenyBudget<string>({ limit: 1, windowMs: 1000 });
    budget.take('a', at(0), 'A');
    budget.take('a', at(1), 'A');
    budget.take('b', at(0), 'B');
    budget.take('c', at(600), 'C');
    budget.take('c', at(601), 'C');
    expect(budget.flushDue(at(999))).toEqual([]);
    expect(budget.flushDue(at(1000))).toEqual([{ about: 'A', count: 1, from: at(0), to: at(1000) }]);
    expect(budget.size).toBe(1);
    expect(budget.flushDue(at(1600))).toEqual([{ about: 'C', count: 1, from: at(600), to: at(1600) }]);
    expect(budget.size).toBe(0);
    // A count handed over is not handed over again.
    expect(budget.take('a', at(5000), 'A')).toEqual({ record: true });
  });
});
