import type { JobRow } from '../../../../contracts/console-api';
import { ErrorText } from '../../components/error-text';
import { describeEmail, failureReason, JOB_STATE_TEXT, JobStateBadge } from '../../components/job-state';
import type { LiveJobTransport } from '../../features/jobs/use-live-job';
import { JOB_POLL_MS } from '../../features/jobs/use-live-job';

/** The steps of an EMAIL binding, in order; the other states end it early. */
const STEPS = ['LINK_SENT', 'LINK_OPENED', 'COMPLETE'] as const;
const STEP_TEXT: Record<(typeof STEPS)[number], string> = {
  LINK_SENT: 'Link sent',
  LINK_OPENED: 'Link opened',
  COMPLETE: 'Passkey bound',
};

function stepIndex(state: JobRow['state']): number {
  if (state === 'REQUEST_DELIVERED') return 1;
  return STEPS.indexOf(state as (typeof STEPS)[number]);
}

export interface LiveJobStatusProps {
  job: JobRow | undefined;
  transport: LiveJobTransport;
  error: unknown;
}

/**
 * A binding job's live state. The `role="status"` element holds the state as the spec names it
 * (`LINK_SENT`, `LINK_OPENED`, `COMPLETE`, `FAILED_TO_SEND` with its reason…), so each change is
 * announced; the steps below show the progress at a glance.
 */
export function LiveJobStatus({ job, transport, error }: LiveJobStatusProps) {
  if (!job) return <ErrorText error={error} />;
  const current = stepIndex(job.state);
  const failed = current === -1;
  const reason = failed ? failureReason(job) : null;
  return (
    <div className="live-job">
      <p role="status" className={failed ? 'job-status job-status--failed' : 'job-status'} data-state={job.state}>
        <JobStateBadge state={job.state} /> <span>{JOB_STATE_TEXT[job.state]}</span>
        {reason && <span className="job-status__reason"> Reason: {reason}</span>}
        {job.email && <span className="job-status__email"> {describeEmail(job.email)}</span>}
      </p>
      {!failed && (
        <ol className="steps">
          {STEPS.map((step, index) => (
            <li key={step} className={index < current || job.state === 'COMPLETE' ? 'steps__done' : index === current ? 'steps__current' : ''}>
              {STEP_TEXT[step]}
              <span className="visually-hidden">{index <= current ? ' (done)' : ' (not yet)'}</span>
            </li>
          ))}
        </ol>
      )}
      <p className="note">
        {job.terminal
          ? 'This job is finished.'
          : transport === 'stream'
            ? 'Updates live as the person opens the link and creates the passkey.'
            : `Live updates are unavailable; checking every ${JOB_POLL_MS / 1000} seconds.`}
      </p>
      <ErrorText error={error} prefix="Could not refresh the job." />
    </div>
  );
}
