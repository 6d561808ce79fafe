import { startSystem, type RunningSystem, type StartSystemOptions } from '../../../scripts/support/system';

/**
 * `startSystem`, tried again when a port it picked was taken before the
 * system could bind it. `findFreePorts` closes its probes before the child
 * listens, so on a busy machine (other test runs, benchmarks) another process
 * can take one in between: `listen EADDRINUSE`, and the system exits before it
 * is ready. The retry on the same DATA_DIR is a second start: whatever the
 * failed one wrote there (the database, the dev tenant) is reused, as on any
 * restart.
 */
export async function startSystemRetrying(options: StartSystemOptions, attempts = 3): Promise<RunningSystem> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startSystem(options);
    } catch (error) {
      if (attempt >= attempts || !/EADDRINUSE/.test((error as Error).message)) throw error;
      console.warn(`startSystem: a port was taken before the system bound it; starting again (attempt ${attempt + 1} of ${attempts})`);
    }
  }
}
