import type { Transporter } from 'nodemailer';
import type { CloudDeps } from '../deps';
import type { OutboxRepository } from './outbox';
import { composeBindingEmail } from './compose';
import { unseal } from './seal';

export interface MailWorkerOptions {
  transport: Pick<Transporter, 'sendMail'>;
  from: string;
  /** Attempts before a message is given up and its job set FAILED_TO_SEND. */
  maxAttempts: number;
  /** Delay before retry n (1-based) is `retryBaseMs * 2^(n-1)`, at most 5 minutes. */
  retryBaseMs: number;
  /** How often to look for due messages when nothing wakes the worker sooner. */
  pollMs?: number;
  /** Messages sent at once. */
  concurrency?: number;
  /**
   * How long a claimed message is this worker's to send before another may claim it. A send
   * that has no answer within half of it counts as a failed attempt (see sendWithin).
   */
  leaseMs?: number;
}

/**
 * Sends queued binding-link emails. It is woken when a message is queued and
 * otherwise polls, so the API never waits for SMTP. Failures retry with
 * exponential backoff, except a mail server's permanent refusal (a 5xx), which
 * ends the message at once; after the last attempt the job becomes FAILED_TO_SEND
 * with the SMTP error as its recorded reason, unless it was bound, revoked,
 * opened or expired meanwhile (that state stands). Delivery is at least once: a
 * crash between the SMTP "250 OK" and the commit that marks the row sent
 * sends that message again after the restart.
 *
 * Its writes go through the group commit (`deps.write`), like a request's:
 * with CLOUD_WORKERS > 1 an HTTP worker may hold SQLite's write lock, and a
 * plain transaction would wait for it in SQLite's busy handler, which sleeps
 * the whole process (the primary: the SMTP capture and the https listener).
 */
export function createMailWorker(deps: CloudDeps, options: MailWorkerOptions) {
  const outbox = deps.repos.outbox;
  const pollMs = options.pollMs ?? 1000;
  const concurrency = options.concurrency ?? 4;
  const leaseMs = options.leaseMs ?? 60_000;
  if (!(leaseMs > 0)) throw new RangeError(`leaseMs must be above 0, not ${leaseMs}`);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = true;
  let again = false;

  async function sendOne(row: ReturnType<OutboxRepository['claimDue']>[number]): Promise<void> {
    const now = deps.clock();
    const job = deps.repos.bindingJobs.getById(row.job_id, now);
    // A job revoked, expired or deleted before its email went out must not be mailed.
    if (!job || !['LINK_SENT', 'REQUEST_DELIVERED'].includes(job.state) || !row.sealed_link) {
      if (!(await deps.write(() => outbox.end(row, 'cancelled', `job is ${job?.state ?? 'gone'}`, false)))) leaseLost(row, 'cancelled');
      return;
    }
    const identity = deps.repos.identities.get(job.realm_id, job.identity_id, now);
    const theme = deps.repos.themes.active(job.tenant_id, job.realm_id);
    try {
      const message = composeBindingEmail({
        theme,
        displayName: identity?.display_name ?? row.recipient,
        link: unseal(deps.secrets.sealKey, row.sealed_link),
        expireTime: job.expire_time,
      });
      await sendWithin(options.transport.sendMail({ from: options.from, to: row.recipient, ...message }), leaseMs / 2);
    } catch (error) {
      const reason = describe(error);
      const attempt = row.attempts + 1;
      if (attempt < options.maxAttempts && !refusedForGood(error)) {
        const delay = Math.min(options.retryBaseMs * 2 ** (attempt - 1), 5 * 60_000);
        if (!(await deps.write(() => outbox.markRetry(row, reason, new Date(deps.clock().getTime() + delay))))) return leaseLost(row, 'retry');
        deps.log.warn('binding email failed; will retry', { job_id: job.id, attempt, reason });
        return;
      }
      const failedAt = deps.clock();
      const ended = await deps.write(() => {
        // The job fails only with the message this worker still holds: another may have sent it.
        if (!outbox.end(row, 'failed', reason, true)) return undefined;
        // And only if it is still waiting for this email: the job was read before the send, and a
        // bind, a revocation or a person opening an earlier copy of the link may have committed
        // since. The repository decides in its UPDATE, so nothing in between can slip past.
        const marked = deps.repos.bindingJobs.markFailedToSend(job.id, failedAt, `email could not be sent: ${reason}`);
        if (marked) {
          deps.repos.audit.record(
            { tenant_id: job.tenant_id, realm_id: job.realm_id, actor: 'mail', action: 'credential_binding_job.send_failed', resource_type: 'CredentialBindingJob', resource_id: job.id, identity_id: job.identity_id, detail: { reason, attempts: attempt } },
            failedAt,
          );
        }
        return { marked };
      });
      if (!ended) return leaseLost(row, 'failed');
      if (ended.marked) deps.log.error('binding email failed for good', { job_id: job.id, attempts: attempt, reason });
      else deps.log.warn('binding email failed for good; its job had moved on, and keeps its state', { job_id: job.id, attempts: attempt, reason });
      return;
    }
    // Outside the try: a failed commit here is not an SMTP failure, and must not count as one
    // (the lease runs out and the message goes again: at least once).
    if (!(await deps.write(() => outbox.markSent(row, deps.clock())))) leaseLost(row, 'sent');
  }

  /** A send outlived its lease and another worker took the message: its outcome stands, not ours. */
  function leaseLost(row: { id: string; job_id: string }, outcome: string): void {
    deps.log.warn('binding email outlived its lease; left to the worker that claimed it since', { job_id: row.job_id, outbox_id: row.id, outcome });
  }

  async function drain(): Promise<void> {
    for (;;) {
      again = false;
      const rows = await deps.write(() => outbox.claimDue(deps.clock(), concurrency, leaseMs));
      // Settled, not all: `stop()` waits for every message in flight, even after one failed to commit.
      for (const outcome of await Promise.allSettled(rows.map(sendOne))) {
        if (outcome.status === 'rejected') deps.log.error('mail worker error', { error: outcome.reason });
      }
      if (stopped || (rows.length === 0 && !again)) return;
    }
  }

  function schedule(delayMs: number): void {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(tick, delayMs);
  }

  function tick(): void {
    if (running) {
      again = true;
      return;
    }
    running = drain()
      .catch((error: unknown) => deps.log.error('mail worker error', { error }))
      .finally(() => {
        running = undefined;
        const next = outbox.nextDueTime();
        const wait = next ? Math.max(0, Date.parse(next) - deps.clock().getTime()) : pollMs;
        schedule(Math.min(wait, pollMs));
      });
  }

  return {
    start(): void {
      stopped = false;
      deps.onMailQueued = () => {
        again = true;
        if (!running) schedule(0);
      };
      schedule(0);
    },
    /** Stops after the messages in flight; resolves when they are done. */
    async stop(): Promise<void> {
      stopped = true;
      clearTimeout(timer);
      deps.onMailQueued = () => undefined;
      await running;
    },
    /** Resolves when no message is queued and due (tests). */
    async idle(): Promise<void> {
      for (;;) {
        await running;
        const next = outbox.nextDueTime();
        if (!next || Date.parse(next) > deps.clock().getTime()) return;
        tick();
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
  };
}

export type MailWorker = ReturnType<typeof createMailWorker>;

/**
 * A mail server's 5xx to this message (550 no such mailbox, 553 a malformed address) is its final
 * word (RFC 5321, 4.2.1): sending again gets the same answer, so the job fails now rather than
 * after every retry. A 4xx, or no answer at all, is worth another attempt.
 */
function refusedForGood(error: unknown): boolean {
  const code = (error as { responseCode?: unknown }).responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

function describe(error: unknown): string {
  const e = error as { code?: string; responseCode?: number; message?: string };
  const text = e.message ?? String(error);
  return [e.code, e.responseCode, text].filter(Boolean).join(' ').slice(0, 500);
}

/**
 * `sending`, or a failure once it has had no answer for `ms`. nodemailer's timeouts bound each
 * step, not a whole send, and a mail server that answers slowly could keep a send past the
 * message's lease; another worker could then claim and send it too, and this one's marks would
 * no longer apply. The send itself may still complete later: delivery is at least once.
 */
function sendWithin<T>(sending: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`no answer from the mail server within ${ms} ms`), { code: 'ETIMEDOUT' })), ms);
  });
  return Promise.race([sending, timeout]).finally(() => clearTimeout(timer));
}
