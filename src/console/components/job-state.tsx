import type { JobRow } from '../../../contracts/console-api';

type JobState = JobRow['state'];

/** What each binding job state means, in a sentence for the admin. */
export const JOB_STATE_TEXT: Record<JobState, string> = {
  LINK_SENT: 'The binding link was created; the email is on its way.',
  LINK_OPENED: 'The person opened the link and sees the page that creates the passkey.',
  REQUEST_DELIVERED: 'The passkey is being created.',
  COMPLETE: 'The passkey is bound: a new credential is active.',
  EXPIRED: 'The link expired before it was used.',
  FAILED_TO_SEND: 'The email could not be sent.',
  REVOKED: 'The link was revoked; it no longer works.',
};

function tone(state: JobState): string {
  if (state === 'COMPLETE') return 'badge badge--ok';
  if (state === 'FAILED_TO_SEND' || state === 'EXPIRED' || state === 'REVOKED') return 'badge badge--warn';
  return 'badge';
}

/** A job state as a badge with its name as the spec spells it (`LINK_SENT`, `COMPLETE`, …). */
export function JobStateBadge({ state }: { state: JobState }) {
  return <span className={tone(state)}>{state}</span>;
}

/** The email of an EMAIL job, in words: queued, sent (when, to whom), failed (after how many attempts). */
export function describeEmail(email: NonNullable<JobRow['email']>): string {
  switch (email.state) {
    case 'queued':
      return email.attempts > 0
        ? `Email to ${email.recipient} queued; ${email.attempts} attempt${email.attempts === 1 ? '' : 's'} so far${email.last_error ? ` (last error: ${email.last_error})` : ''}.`
        : `Email to ${email.recipient} queued.`;
    case 'sent':
      return `Email sent to ${email.recipient}.`;
    case 'failed':
      return `Email to ${email.recipient} failed after ${email.attempts} attempt${email.attempts === 1 ? '' : 's'}.`;
    case 'cancelled':
      return `Email to ${email.recipient} cancelled.`;
  }
}

/** Why a failed job failed: its recorded reason, else the last SMTP error. */
export function failureReason(job: JobRow): string | null {
  return job.state_reason ?? job.email?.last_error ?? null;
}
