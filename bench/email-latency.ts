/**
 * EMAIL latency: from POST credential-binding-jobs (EMAIL) to the message
 * arriving in an smtp-server capture run by this bench (SMTP_URL points the real
 * system at it), p50 and p99. Then the same job creation while the capture holds
 * every message 2 s before answering 250: the API's latency must stay flat,
 * because the job only queues its email. Both phases run in the same run, open
 * loop at a fixed rate, and are reported as a ratio.
 */
import { simpleParser } from 'mailparser';
import { pathToFileURL } from 'node:url';
import { SMTPServer } from 'smtp-server';
import { findFreePorts } from '../scripts/support/system';
import { forEachConcurrent, latencyStats, managementApi, removeDir, round, sleep, startBindery, writeResult } from './lib';

const JOBS_PER_PHASE = 100;
const RATE_PER_S = 20;

export async function main(): Promise<Record<string, unknown>> {
  let delayMs = 0;
  const arrived = new Map<string, number>();
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then(async (parsed) => {
          const at = performance.now();
          const jobId = /credential-binding-jobs\/([0-9a-f]{16})/.exec(parsed.text ?? '')?.[1];
          if (jobId) arrived.set(jobId, at);
          if (delayMs) await sleep(delayMs);
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  const [smtpPort] = await findFreePorts(1);
  await new Promise<void>((resolve) => smtp.listen(smtpPort, '127.0.0.1', () => resolve()));
  const system = await startBindery({ env: { SMTP_URL: `smtp://127.0.0.1:${smtpPort}` } });
  try {
    const api = managementApi(system, 8);
    const ids: string[] = [];
    await forEachConcurrent(2 * JOBS_PER_PHASE, 8, async (i) => {
      ids[i] = await api.createIdentity(`mail${i}`);
    });

    /** Open loop: one EMAIL job every 1/RATE s; API latency and creation time per job. */
    const phase = async (offset: number) => {
      const created = new Map<string, number>();
      const apiLatencies: number[] = [];
      const pending: Promise<void>[] = [];
      const start = performance.now();
      for (let i = 0; i < JOBS_PER_PHASE; i++) {
        const due = start + (i * 1000) / RATE_PER_S;
        if (due > performance.now()) await sleep(due - performance.now());
        pending.push((async () => {
          const t0 = performance.now();
          const job = await api.createJob(ids[offset + i]!, 'EMAIL');
          apiLatencies.push(performance.now() - t0);
          created.set(job.credential_binding_job.id, t0);
        })());
      }
      await Promise.all(pending);
      return { created, apiLatencies };
    };

    // Warm-up (not reported).
    await api.createJob(ids[0]!, 'EMAIL');
    await sleep(500);

    const fast = await phase(0);
    const deadline = performance.now() + 15_000;
    while ([...fast.created.keys()].some((id) => !arrived.has(id)) && performance.now() < deadline) await sleep(20);
    const delivery = [...fast.created].filter(([id]) => arrived.has(id)).map(([id, t0]) => arrived.get(id)! - t0);

    delayMs = 2000;
    const slow = await phase(JOBS_PER_PHASE);
    await api.close();

    const deliveryStats = latencyStats(delivery);
    const apiFast = latencyStats(fast.apiLatencies);
    const apiSlow = latencyStats(slow.apiLatencies);
    const p99Ratio = round(apiSlow.p99_ms / apiFast.p99_ms, 2);
    console.log(`[email] job creation -> message in capture: p50 ${deliveryStats.p50_ms} ms, p99 ${deliveryStats.p99_ms} ms (${delivery.length}/${JOBS_PER_PHASE} arrived)`);
    console.log(`[email] API (POST EMAIL job) with fast SMTP: p50 ${apiFast.p50_ms} p99 ${apiFast.p99_ms} ms; with SMTP delaying 2 s: p50 ${apiSlow.p50_ms} p99 ${apiSlow.p99_ms} ms; p99 ratio slow/fast ${p99Ratio}`);
    const result = {
      setup: `real system via startSystem with SMTP_URL -> an smtp-server capture in the bench process; ${JOBS_PER_PHASE} EMAIL jobs per phase, open loop at ${RATE_PER_S}/s; arrival = end of DATA, parsed, before the capture's delay`,
      delivery_latency: { ...deliveryStats, arrived: delivery.length, sent: JOBS_PER_PHASE },
      api_latency_fast_smtp: apiFast,
      api_latency_slow_smtp_2s: apiSlow,
      api_p99_ratio_slow_vs_fast: p99Ratio,
      api_p99_flat: p99Ratio < 1.5 || apiSlow.p99_ms - apiFast.p99_ms < 5,
    };
    writeResult('email-latency', result);
    return result;
  } finally {
    await system.stop();
    removeDir(system.dataDir);
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) {
  main().then(() => process.exit(0), (error: unknown) => { console.error(error); process.exit(1); });
}
