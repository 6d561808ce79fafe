import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { readCloudConfig } from './config';

describe('readCloudConfig: CLOUD_PIN_WORKERS', () => {
  const cores = availableParallelism();

  it('1 and 0 pin or not, whatever the workers', () => {
    expect(readCloudConfig({ CLOUD_WORKERS: '1', CLOUD_PIN_WORKERS: '1' }).pinWorkers).toBe(true);
    expect(readCloudConfig({ CLOUD_WORKERS: String(cores), CLOUD_PIN_WORKERS: '0' }).pinWorkers).toBe(false);
  });

  it('auto (the default) pins on Linux when the workers take every core, and only then', () => {
    const linux = process.platform === 'linux';
    expect(readCloudConfig({ CLOUD_WORKERS: String(Math.max(2, cores)) }).pinWorkers).toBe(linux);
    expect(readCloudConfig({ CLOUD_WORKERS: String(Math.max(2, cores) + 1), CLOUD_PIN_WORKERS: 'auto' }).pinWorkers).toBe(linux);
    // One process has nothing to pin apart; fewer workers than cores leave the scheduler room.
    expect(readCloudConfig({ CLOUD_WORKERS: '1' }).pinWorkers).toBe(false);
    if (cores > 2) expect(readCloudConfig({ CLOUD_WORKERS: '2' }).pinWorkers).toBe(false);
  });

  it('refuses anything else, naming the setting', () => {
    expect(() => readCloudConfig({ CLOUD_PIN_WORKERS: 'yes' })).toThrow(/CLOUD_PIN_WORKERS/);
  });
});
