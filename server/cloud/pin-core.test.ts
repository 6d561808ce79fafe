import { describe, expect, it } from 'vitest';
import { allowedCores, coreForSlot } from './pin-core';

describe('allowedCores', () => {
  it('reads the kernel list of single cores and ranges', () => {
    expect(allowedCores('Name:\tnode\nCpus_allowed:\tf\nCpus_allowed_list:\t0-3,8,10-11\nMems_allowed_list:\t0\n')).toEqual([0, 1, 2, 3, 8, 10, 11]);
    expect(allowedCores('Cpus_allowed_list:\t4\n')).toEqual([4]);
  });

  it('says so when the list is missing', () => {
    expect(() => allowedCores('Name:\tnode\n')).toThrow(/Cpus_allowed_list/);
  });
});

describe('coreForSlot', () => {
  it('takes the slot-th of the cores this process may use, which need not start at 0', () => {
    expect([0, 1, 2].map((slot) => coreForSlot(slot, [4, 6]))).toEqual([4, 6, 4]);
  });
});
