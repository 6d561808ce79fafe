import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { readCloudConfig } from './config';

describe('readCloudConfig: CLOUD_PIN_WORKERS', () => {
  const cores = availableParallelism();
  // CLOUD_WORKERS takes 1 to 16.
  const workers = (n: number) => String(Math.min(16, n));

  it('1 and 0 pin or not, whatever the workers', () => {
    expect(readCloudConfig({ CLOUD_WORKERS: '1', CLOUD_PIN_WORKERS: '1' }).pinWorkers).toBe(true);
    expect(readCloudConfig({ CLOUD_WORKERS: workers(cores), CLOUD_PIN_WORKERS: '0' }).pinWorkers).toBe(false);
  });

  it.runIf(cores >= 2 && cores <= 15)('auto (the default) pins on Linux when there are exactly as many workers as cores, and only then', () => {
    const linux = process.platform === 'linux';
    expect(readCloudConfig({ CLOUD_WORKERS: workers(cores) }).pinWorkers).toBe(linux);
    expect(readCloudConfig({ CLOUD_WORKERS: workers(cores), CLOUD_PIN_WORKERS: 'auto' }).pinWorkers).toBe(linux);
    // One process has nothing to pin apart; more workers than cores would share cores pinned;
    // fewer leave the scheduler room.
    expect(readCloudConfig({ CLOUD_WORKERS: '1' }).pinWorkers).toBe(false);
    expect(readCloudConfig({ CLOUD_WORKERS: workers(cores + 1) }).pinWorkers).toBe(false);
    if (cores > 2) expect(readCloudConfig({ CLOUD_WORKERS: workers(cores - 1) }).pinWorkers).toBe(false);
  });

  it('refuses anything else, naming the setting', () => {
    expect(() => readCloudConfig({ CLOUD_PIN_WORKERS: 'yes' })).toThrow(/CLOUD_PIN_WORKERS/);
  });
});
