/**
 * Where job creation's cost lies, as the jobs bench cannot show: the bare
 * reference (bench/bare-job-server.ts, the cloud's own job code on bare
 * node:http) creating RETURN jobs at 64 connections in four setups, each over
 * its own copy of one database (taken once the identities exist):
 *   - one process;
 *   - two processes over one file, as the cloud serves;
 *   - two processes, the second over a copy of its own: no write lock shared,
 *     no page cache emptied by the other's commits. Not a design (each process
 *     sees only its own jobs): it is what the second setup would reach
 *     without the sharing;
 *   - two processes over one file with `binding_jobs_by_identity` back, the
 *     per-job index on an identity's jobs that migration 16 replaced by
 *     identity_binding_jobs, folded in batches (server/cloud/db/identity-jobs.ts):
 *     what the fold saves. Each job then writes an entry on a random page, and
 *     nothing is folded (BARE_NO_FOLD): the design as it was, not both at once.
 * Two sets of fresh processes, two rounds of 3 s each, the order reversed
 * every other round.
 */
import Database from 'better-sqlite3';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { readCloudConfig } from '../server/cloud/config';
import { cannon, costedCannon, jobRequests, type CostedFigure } from './job-creation';
import { removeDir, requireNoFailures, round, spawnServer, startBindery, writeResult } from './lib';

const SETUPS = {
  one_process: { workers: 1, ownFiles: false, perJobIdentityIndex: false },
  two_processes_one_file: { workers: 2, ownFiles: false, perJobIdentityIndex: false },
  two_processes_own_files: { workers: 2, ownFiles: true, perJobIdentityIndex: false },
  two_processes_per_job_identity_index: { workers: 2, ownFiles: false, perJobIdentityIndex: true },
} as const;
type Setup = keyof typeof SETUPS;
const setups = Object.keys(SETUPS) as Setup[];

export async function main(seconds = 3, rounds = 2, sets = 2): Promise<Record<string, unknown>> {
  // Two processes are pinned to cores as the cloud's would be.
  const pin = readCloudConfig().pinWorkers;
  const figures = Object.fromEntries(setups.map((s) => [s, [] as CostedFigure[]])) as Record<Setup, CostedFigure[]>;
  for (let set = 0; set < sets; set++) {
    const system = await startBindery();
    const servers: Partial<Record<Setup, Awaited<ReturnType<typeof spawnServer>>>> = {};
    try {
      const next = await jobRequests(system, 500);
      // The system stays up (its database open, idle) so that nothing changes under the copies.
      const source = new Database(path.join(system.dataDir, 'cloud.sqlite'));
      for (const setup of setups) {
        const file = path.join(system.dataDir, `${setup}.sqlite`);
        source.prepare('VACUUM INTO ?').run(file);
        servers[setup] = await spawnServer('bare-job-server.ts', {
          BARE_DB: file,
          BARE_WORKERS: String(SETUPS[setup].workers),
          ...(SETUPS[setup].ownFiles ? { BARE_OWN_FILES: '1' } : {}),
          ...(SETUPS[setup].perJobIdentityIndex ? { BARE_NO_FOLD: '1' } : {}),
          ...(pin && SETUPS[setup].workers > 1 ? { BARE_PIN: '1' } : {}),
        });
        if (SETUPS[setup].perJobIdentityIndex) {
          // The index as migration 13 left it; SQLite prepares the job's statements again with it.
          const copy = new Database(file);
          copy.exec('CREATE INDEX binding_jobs_by_identity ON binding_jobs(identity_id, realm_id)');
          copy.close();
        }
        await cannon(servers[setup].url, 2, next); // warm-up
      }
      source.close();
      for (let r = 0; r < rounds; r++) {
        const order = setups.slice();
        if ((set + r) % 2 === 1) order.reverse();
        for (const setup of order) {
          const server = servers[setup]!;
          const figure = await costedCannon(server.url, seconds, next, server.pid);
          requireNoFailures(setup, figure);
          figures[setup].push(figure);
          console.log(`[costs] set ${set + 1} round ${r + 1} ${setup}: ${figure.req_per_s} req/s, p99 ${figure.p99_ms} ms, CPU ${figure.server_cpu_us} us/request, idle ${figure.idle_share}`);
        }
      }
    } finally {
      for (const server of Object.values(servers)) await server.stop();
      await system.stop();
      removeDir(system.dataDir);
    }
  }
  const rate = (setup: Setup) => figures[setup].reduce((n, f) => n + f.req_per_s, 0) / figures[setup].length;
  const mean = (setup: Setup, key: 'server_cpu_us' | 'idle_share', digits: number) =>
    round(figures[setup].reduce((n, f) => n + (f[key] ?? NaN), 0) / figures[setup].length, digits);
  const summary = Object.fromEntries(
    setups.map((setup) => [setup, { req_per_s: round(rate(setup), 1), server_cpu_us: mean(setup, 'server_cpu_us', 1), idle_share: mean(setup, 'idle_share', 3) }]),
  );
  const ratios = {
    two_processes_one_file_vs_one: round(rate('two_processes_one_file') / rate('one_process'), 3),
    own_files_vs_one_file: round(rate('two_processes_own_files') / rate('two_processes_one_file'), 3),
    one_file_vs_per_job_identity_index: round(rate('two_processes_one_file') / rate('two_processes_per_job_identity_index'), 3),
  };
  console.log(`[costs] ${JSON.stringify(summary)}`);
  console.log(
    `[costs] two processes over one file: ${ratios.two_processes_one_file_vs_one} of one process; over their own files: ${ratios.own_files_vs_one_file} ` +
      `of over one file; with the identity's jobs folded in batches: ${ratios.one_file_vs_per_job_identity_index} of with a per-job index entry`,
  );
  const result = {
    setup:
      `bench/bare-job-server.ts, RETURN jobs round-robin over 500 identities, autocannon at 64 connections; each setup over its own copy of the database; ` +
      `${pin ? 'two processes pinned to a core each, as the cloud pins its workers; ' : ''}` +
      `${sets} sets of fresh processes, ${rounds} rounds of ${seconds} s for each setup in turn (order reversed every other round)`,
    runs: figures,
    summary,
    ratios,
  };
  writeResult('job-costs', result);
  return result;
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) {
  main().then(() => process.exit(0), (error: unknown) => { console.error(error); process.exit(1); });
}
