import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { JOB_EVENTS, consolePath, jobRow, jobStreamEnd, type JobStreamEnd } from '../../../../contracts/console-api';
import { consoleKeys } from '../../lib/query-keys';
import { notifySessionLost } from '../../lib/session-store';
import { jobQueryOptions } from './api/get-job';
import { invalidateEnrollment } from './invalidate-enrollment';

/** How often the job is read when the event stream is not available. */
export const JOB_POLL_MS = 2000;

export type LiveJobTransport = 'stream' | 'polling';

function parseJson(data: unknown): unknown {
  try {
    return typeof data === 'string' ? (JSON.parse(data) as unknown) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A binding job's state, live: the console API's event stream (`EventSource` on the job events
 * route) pushes each change into the job's query; `end` closes it (a `timeout` end opens a new
 * stream, which starts with the current state). When the stream errors (no EventSource, a proxy
 * that buffers, a 404), the hook polls `GET …/jobs/:job` instead until the job is terminal.
 *
 * Each change refreshes what depends on the job: the identity's job list, and on COMPLETE its
 * credentials, "passkey bound" and the identity lists, so the page updates without a reload.
 *
 * @param jobId the job to follow; null follows nothing.
 */
export function useLiveJob(realmId: string, identityId: string, jobId: string | null) {
  const queryClient = useQueryClient();
  // The job whose stream failed; tracking the id (not a flag) restarts with a stream for the next job.
  const [pollingJobId, setPollingJobId] = useState<string | null>(null);
  const [ended, setEnded] = useState<{ jobId: string; reason: JobStreamEnd['reason'] } | null>(null);
  const transport: LiveJobTransport = jobId !== null && pollingJobId === jobId ? 'polling' : 'stream';

  const query = useQuery({
    ...jobQueryOptions(realmId, identityId, jobId ?? ''),
    enabled: jobId !== null,
    // While streaming, the stream fills the cache: read the job over HTTP only when nothing is cached.
    staleTime: transport === 'stream' ? Infinity : 0,
    refetchInterval: (q) => (transport === 'polling' && !q.state.data?.terminal ? JOB_POLL_MS : false),
  });

  useEffect(() => {
    if (jobId === null) return;
    const key = jobQueryOptions(realmId, identityId, jobId).queryKey;
    if (queryClient.getQueryData(key)?.terminal) return;
    if (typeof EventSource !== 'function') {
      setPollingJobId(jobId);
      return;
    }
    let source: EventSource | undefined;
    let stopped = false;
    const open = () => {
      const stream = new EventSource(consolePath('jobEvents', { realm_id: realmId, identity_id: identityId, job_id: jobId }));
      source = stream;
      stream.addEventListener(JOB_EVENTS.job, (event) => {
        const parsed = jobRow.safeParse(parseJson((event as MessageEvent).data));
        if (parsed.success) queryClient.setQueryData(key, parsed.data);
      });
      stream.addEventListener(JOB_EVENTS.end, (event) => {
        // Closing here matters: left open, the browser would reconnect and stream the job again.
        stream.close();
        const reason = jobStreamEnd.safeParse(parseJson((event as MessageEvent).data)).data?.reason ?? 'terminal';
        if (reason === 'timeout') {
          if (!stopped) open();
          return;
        }
        if (reason === 'signed_out') notifySessionLost();
        if (reason === 'gone') void queryClient.invalidateQueries({ queryKey: consoleKeys.identity(realmId, identityId) });
        setEnded({ jobId, reason });
      });
      stream.addEventListener('error', () => {
        // An old stream (before a timeout reconnect) or an unmounted hook: nothing to do.
        if (stopped || source !== stream) return;
        stream.close();
        setPollingJobId(jobId);
        // Read the job now rather than one interval from now: the stream may have missed a change.
        void queryClient.invalidateQueries({ queryKey: key, exact: true });
      });
    };
    open();
    return () => {
      stopped = true;
      source?.close();
    };
  }, [queryClient, realmId, identityId, jobId]);

  const job = jobId !== null ? query.data : undefined;
  const seen = useRef<{ id: string; state: string; email: string } | null>(null);
  useEffect(() => {
    if (!job) return;
    const now = { id: job.id, state: job.state, email: job.email?.state ?? '' };
    const before = seen.current;
    seen.current = now;
    if (!before || before.id !== now.id || (before.state === now.state && before.email === now.email)) return;
    void queryClient.invalidateQueries({ queryKey: consoleKeys.jobList(realmId, identityId) });
    void invalidateEnrollment(queryClient, realmId, identityId);
    // The new credential.
    if (now.state === 'COMPLETE' && before.state !== 'COMPLETE') void queryClient.invalidateQueries({ queryKey: consoleKeys.credentials(realmId, identityId) });
  }, [queryClient, realmId, identityId, job]);

  return {
    job,
    error: jobId !== null ? query.error : null,
    transport,
    /** Why the stream ended, once it has (not for `timeout`, which reconnects). */
    endReason: ended && ended.jobId === jobId ? ended.reason : null,
  };
}
