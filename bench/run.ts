/* eslint-disable @typescript-eslint/no-explicit-any -- benchmark result shapes are loose JSON */
/**
 * `npm run bench`: runs every benchmark in turn (each starts and stops its own
 * servers on free loopback ports, by PID / process group) and writes
 * bench/results/<name>.json and bench/results/summary.md.
 * `npm run bench -- bind jobs` runs a subset (bind, jobs, costs, email, scaling, browser);
 * `npm run bench -- --summary-only` rewrites summary.md from the JSON files already there.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { main as bind } from './bind-ceremony';
import { main as browser } from './browser';
import { main as email } from './email-latency';
import { main as jobs } from './job-creation';
import { machine, RESULTS } from './lib';
import { main as scaling } from './scaling';
import { main as costs } from './job-costs';

const ALL = { bind, jobs, costs, email, scaling, browser } as const;
type Name = keyof typeof ALL;

async function run(): Promise<void> {
  const wanted = (process.argv.slice(2).filter((a) => a in ALL) as Name[]);
  const names = wanted.length ? wanted : (Object.keys(ALL) as Name[]);
  const results: Partial<Record<Name, any>> = {};
  const files: Record<Name, string> = { bind: 'bind-ceremony', jobs: 'job-creation', costs: 'job-costs', email: 'email-latency', scaling: 'scaling', browser: 'browser' };
  if (process.argv.includes('--summary-only')) {
    for (const name of names) {
      const file = path.join(RESULTS, `${files[name]}.json`);
      if (existsSync(file)) results[name] = JSON.parse(readFileSync(file, 'utf8'));
    }
    names.length = 0;
  }
  for (const name of names) {
    console.log(`\n=== ${name} ===`);
    try {
      results[name] = await ALL[name]();
    } catch (error) {
      console.error(`[bench] ${name} failed:`, error);
      results[name] = { failed: String(error) };
    }
  }
  const md = summary(results);
  writeFileSync(path.join(RESULTS, 'summary.md'), md);
  console.log(`\n${md}`);
}

const yes = (met: boolean | null | undefined) => (met === null || met === undefined ? 'not measured' : met ? 'MET' : 'MISSED');

function summary(r: Partial<Record<Name, any>>): string {
  const m = machine();
  const out = [`# Bindery benchmarks`, '', `${m.date} · ${m.cores} cores (${m.cpu}) · ${m.memory_gb} GB · Node ${m.node} · ${m.platform}`, '',
    'Every figure is measured beside its reference in the same run; ratios are what to compare across machines (the machine may be noisy).', ''];
  if (r.bind?.levels) {
    out.push('## Bind ceremony (GET link + :getInfo + :bind)', '', '| clients | cloud /s | cloud p50 | cloud p99 | reference /s | ref p50 | ref p99 | rate ratio |', '|---|---|---|---|---|---|---|---|');
    for (const l of r.bind.levels) out.push(`| ${l.clients} | ${l.cloud.ceremonies_per_s} | ${l.cloud.p50_ms} ms | ${l.cloud.p99_ms} ms | ${l.reference.ceremonies_per_s} | ${l.reference.p50_ms} ms | ${l.reference.p99_ms} ms | ${l.rate_ratio} |`);
    const p = r.bind.pure_limit;
    out.push('', `Pure limit (one thread, no HTTP): ES256 verify ${p.es256_verify_per_s}/s, WAL commit ${p.wal_commit_per_s}/s, verify + commit ${p.verify_plus_commit_per_s}/s; cloud at 64 clients = ${p.cloud_at_64_vs_pure} of it.`, '');
    for (const [k, t] of Object.entries(r.bind.targets as Record<string, any>)) out.push(`- ${k}: ${t.value} (target ${t.target}) — ${yes(t.met)}`);
    out.push('');
  }
  if (r.jobs?.runs) {
    out.push('## POST credential-binding-jobs (RETURN), 64 connections', '', '| round (set.round) | cloud req/s | cloud p99 | bare req/s | bare p99 | peer req/s | peer p99 |', '|---|---|---|---|---|---|---|');
    const bare = (x: any, key: 'req_per_s' | 'p99_ms', unit = '') => (x.bare ? `${x.bare[key]}${unit}` : 'not measured');
    const perSet = r.jobs.set_ratios ? r.jobs.runs.length / r.jobs.set_ratios.length : r.jobs.runs.length;
    r.jobs.runs.forEach((x: any, i: number) =>
      out.push(`| ${Math.floor(i / perSet) + 1}.${(i % perSet) + 1} | ${x.cloud.req_per_s} | ${x.cloud.p99_ms} ms | ${bare(x, 'req_per_s')} | ${bare(x, 'p99_ms', ' ms')} | ${x.peer.req_per_s} | ${x.peer.p99_ms} ms |`),
    );
    const t = r.jobs.targets.job_creation_vs_peer;
    // The target is judged on the summed ratio, as the issue states it; sets of fresh processes on
    // both sides of 1.0 say that the verdict would flip with the next run.
    const sets: number[] = r.jobs.set_ratios ?? [];
    const straddle = sets.length > 1 && Math.min(...sets) < 1 && Math.max(...sets) >= 1 ? ` (not reliably: the sets range from ${Math.min(...sets)} to ${Math.max(...sets)})` : '';
    out.push('', `- ratio cloud/peer: ${t.value} (target ${t.target}) — ${yes(t.met)}${straddle}`);
    if (r.jobs.set_ratios) out.push(`- each set of fresh processes: ${r.jobs.set_ratios.join(', ')}`);
    if (r.jobs.round_ratios) out.push(`- the rounds' own ratios, sorted: ${r.jobs.round_ratios.join(', ')}`);
    if (r.jobs.bare_vs_peer !== undefined) {
      out.push(`- bare reference (the cloud's own job code on bare node:http): ${r.jobs.bare_vs_peer} of the peer; the cloud is ${r.jobs.cloud_vs_bare} of it`);
    }
    const c = r.jobs.cpu_budget;
    if (c) {
      out.push(
        `- CPU per request (all threads of the server's processes): cloud ${c.cloud_server_us} µs, peer ${c.peer_server_us} µs; client ${c.client_us} µs. ` +
          `To keep up with the peer on this machine's cores, none idle, the cloud could spend at most ${c.cloud_ceiling_us_at_peer_rate} µs`,
      );
    }
    out.push('');
  }
  if (r.costs?.summary) {
    const x = r.costs.summary;
    const q = r.costs.ratios;
    const row = (name: string, f: any) => `| ${name} | ${f.req_per_s} | ${f.server_cpu_us} µs | ${f.idle_share} |`;
    out.push('## Where job creation\'s cost lies (bare reference, RETURN jobs, 64 connections)', '', '| setup | req/s | CPU per request | cores idle |', '|---|---|---|---|',
      row('one process', x.one_process), row('two processes, one file (as the cloud)', x.two_processes_one_file),
      row('two processes, each its own file (not a design)', x.two_processes_own_files),
      row('two processes, one file, a per-job index entry on the identity\'s jobs (before migration 16)', x.two_processes_per_job_identity_index), '',
      `- two processes over one file: ${q.two_processes_one_file_vs_one} of one process; each over its own file: ${q.own_files_vs_one_file} of over one file; ` +
        `the identity's jobs folded in batches: ${q.one_file_vs_per_job_identity_index} of a per-job index entry`, '');
  }
  if (r.email?.delivery_latency) {
    const e = r.email;
    out.push('## EMAIL latency', '', `- job creation → message in capture: p50 ${e.delivery_latency.p50_ms} ms, p99 ${e.delivery_latency.p99_ms} ms (${e.delivery_latency.arrived}/${e.delivery_latency.sent})`,
      `- API p99 with fast SMTP ${e.api_latency_fast_smtp.p99_ms} ms vs SMTP delaying 2 s ${e.api_latency_slow_smtp_2s.p99_ms} ms: ratio ${e.api_p99_ratio_slow_vs_fast} — ${e.api_p99_flat ? 'flat' : 'NOT flat'}`, '');
  }
  if (r.scaling?.figures) {
    out.push('## Scaling (N identities + N jobs seeded)', '', '| rows | jobs/s | jobs p99 | list ids p99 | filter username p99 | list jobs by state p99 | bind@16 /s | bind@16 p99 |', '|---|---|---|---|---|---|---|---|');
    for (const [size, f] of Object.entries(r.scaling.figures as Record<string, any>)) {
      out.push(`| ${size} | ${f.job_creation.req_per_s} | ${f.job_creation.p99_ms} ms | ${f.list_identities_page.p99_ms} ms | ${f.filter_identities_username.p99_ms} ms | ${f.list_jobs_realm_state.p99_ms} ms | ${f.bind_16_clients.ceremonies_per_s} | ${f.bind_16_clients.p99_ms} ms |`);
    }
    out.push('', 'Ratios to the empty database:', '', '```json', JSON.stringify(r.scaling.ratios_to_empty, null, 1), '```', '', 'Query plans (100k rows):', '', '```');
    for (const [name, lines] of Object.entries(r.scaling.query_plans as Record<string, string[]>)) out.push(`${name}:`, ...lines.map((l) => `  ${l}`));
    out.push('```', '');
  }
  if (r.browser?.app_shell) {
    const b = r.browser;
    const stat = (x: any) => (x ? `p50 ${x.p50_ms} ms, p99 ${x.p99_ms} ms (n ${x.n})` : 'not measured');
    const parts = b.bind_ready_breakdown_p50_ms;
    out.push('## Browser (production build, Chromium, fresh context per run)', '',
      `- /bind ready: ${stat(b.bind_ready_ms)} (target p50 < 1000 ms) — ${yes(b.targets.bind_ready_p50_ms?.met)}`,
      ...(parts ? [`  - p50 parts: SDK file downloaded at ${parts.sdk_chunk_response_end} ms, longest main-thread task ${parts.longest_main_thread_task} ms, long tasks in all ${parts.main_thread_long_tasks_total} ms`] : []),
      ...(b.sdk_alone_ready_ms ? [`  - reference, the SDK alone (a bare page that only runs the shipped file and initialize()): ${stat(b.sdk_alone_ready_ms)}`] : []),
      ...(b.sdk_alone_fast_byte_decode_ready_ms ? [`  - reference, the same bare page with the app's fast byte decode: ${stat(b.sdk_alone_fast_byte_decode_ready_ms)}`] : []),
      ...(b.sdk_alone_app_fixes_ready_ms
        ? [`  - reference, the same bare page with both of the app's start-up fixes (fast byte decode, a profiler for eager source positions): ${stat(b.sdk_alone_app_fixes_ready_ms)}; /bind ready is ${b.bind_ready_minus_sdk_alone_app_fixes_p50_ms} ms more at p50`]
        : []),
      ...(b.bind_ready_returning_browser_ms
        ? [`- /bind ready in a returning browser (a persistent profile, Chromium restarted for each visit; third visit on: the SDK from the HTTP cache, its compiled code from V8's code cache): ${stat(b.bind_ready_returning_browser_ms)}`]
        : []),
      `- click → passkey bound: ${stat(b.click_to_bound_ms)}`,
      `- sign-in (authenticate → session): ${stat(b.sign_in_ms)}`,
      `- app shell: ${b.app_shell.gzip_kB} kB gzip (target ≤ 120 kB) — ${yes(b.targets.app_shell_gzip_kB.met)}`, `- SDK file ${b.sdk_chunk.file} (served as shipped, gzipped): ${b.sdk_chunk.gzip_kB} kB gzip`, '');
  }
  for (const [name, x] of Object.entries(r)) if (x?.failed) out.push(`- ${name}: FAILED — ${x.failed}`);
  return out.join('\n') + '\n';
}

run().then(() => process.exit(0), (error: unknown) => { console.error(error); process.exit(1); });
