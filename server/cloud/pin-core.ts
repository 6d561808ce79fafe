import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * Restricts process `pid`, every thread it has and every thread it starts
 * later, to one core: the `slot`-th of the cores this process may run on (a
 * container's cpuset need not start at core 0). Node has no API for CPU
 * affinity, so this runs util-linux's `taskset` (Linux only).
 */
export function pinToCore(pid: number, slot: number): Promise<void> {
  const core = coreForSlot(slot, allowedCores());
  return new Promise((resolve, reject) => {
    execFile('taskset', ['--all-tasks', '--cpu-list', '--pid', String(core), String(pid)], { timeout: 5_000 }, (error) =>
      error ? reject(error) : resolve(),
    );
  });
}

/** The core of slot `slot` among `cores`: the slot-th, around again past the last. */
export function coreForSlot(slot: number, cores: readonly number[]): number {
  if (cores.length === 0) throw new Error('no core to pin to');
  return cores[slot % cores.length]!;
}

/** The cores this process may run on, from the kernel's list ("0-3,8,10-11"). */
export function allowedCores(status = readFileSync('/proc/self/status', 'utf8')): number[] {
  const list = /^Cpus_allowed_list:\s*(\S+)$/m.exec(status)?.[1];
  if (!list) throw new Error('no Cpus_allowed_list in /proc/self/status');
  return list.split(',').flatMap((range) => {
    const [from, to = from] = range.split('-').map(Number) as [number, number?];
    return Array.from({ length: to! - from + 1 }, (_, i) => from + i);
  });
}
