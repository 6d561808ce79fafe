/**
 * Runs the SDK's start with a JS Self-Profiling `Profiler` running, so that V8 records source
 * positions as it compiles the SDK instead of re-parsing its file for them.
 *
 * Why: Chromium asks V8 for a detailed stack trace (script, line, column of every frame) each
 * time an `Error` is created, to report it should it go uncaught, and `Error.stackTraceLimit`
 * does not change that. V8 compiles without source positions and, the first time a stack needs
 * them, re-parses each function on it. The SDK creates six `Error`s at the top level of its core
 * (`badPlatform`, `invalidArg`…) while its whole file is on the stack: the UMD factory, webpack's
 * bootstrap and the core's module, each around the 5.7 MB base64 literal that holds the
 * WebAssembly core. The first of them has V8 re-parse each of those functions, the literal
 * with each: 1.17 s of main thread for that one `new Error` in Chromium 156 on the AMD machine
 * of bench/results (a scratch copy of the SDK with a clock read before each top-level
 * statement). Node does not ask for these stacks; it evaluates the same file in 0.27 s.
 *
 * While a profiler runs, V8 keeps source positions from the first compile, so the stack costs
 * nothing more. On a bare page, evaluating the SDK took 0.75–1.15 s with a profiler against
 * 1.79–2.09 s without (five fresh contexts each); in `npm run bench -- browser`, `/bind` ready
 * p50 went from 2.54 to 1.65 s. The SDK's file stays byte for byte as shipped; the lasting fix
 * belongs in the SDK (errors made when thrown, or its core not inlined in its script).
 *
 * A page may start a profiler only when its document was served with
 * `Document-Policy: js-profiling` (server/app/spa.ts, on the documents that start the SDK).
 * Without it, or in a browser without the API, `work` simply runs. The profile is thrown away.
 * In Chromium 156 the policy alone already has the effect: Chromium prepares a profiler for such
 * a document, and V8 logs its code from the start (a bare page with only the policy evaluated
 * the SDK as fast, 5 runs each). Starting one keeps the fix from depending on that.
 */

/** The part of the JS Self-Profiling API used here (not in TypeScript's DOM types yet). */
interface SelfProfiler extends EventTarget {
  stop(): Promise<unknown>;
}
type ProfilerConstructor = new (options: { sampleInterval: number; maxBufferSize: number }) => SelfProfiler;

/**
 * Few samples: only the profiler's running matters. At most 300 of them, one each 100 ms:
 * 30 s, then the buffer is full and the profiler is stopped anyway (`initialize()` of an SDK
 * that cannot reach its cloud may never settle).
 */
const OPTIONS = { sampleInterval: 100, maxBufferSize: 300 };

/** Runs `work` with a profiler running when the page may start one, and stops it when `work` settles. */
export async function withEagerSourcePositions<T>(work: () => Promise<T>, win: Window = window): Promise<T> {
  const stop = startProfiler(win);
  try {
    return await work();
  } finally {
    stop();
  }
}

/** Starts a profiler; answers how to stop it (once). A page that may not profile gets a no-op. */
function startProfiler(win: Window): () => void {
  const Profiler = (win as Window & { Profiler?: ProfilerConstructor }).Profiler;
  if (typeof Profiler !== 'function') return () => {};
  let profiler: SelfProfiler;
  try {
    profiler = new Profiler(OPTIONS);
  } catch {
    // NotAllowedError: the document's policy does not allow profiling. Nothing to speed up.
    return () => {};
  }
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    profiler.removeEventListener('samplebufferfull', stop);
    // The trace is not wanted; a profiler the browser already stopped rejects, which is fine.
    profiler.stop().catch(() => {});
  };
  profiler.addEventListener('samplebufferfull', stop);
  return stop;
}
