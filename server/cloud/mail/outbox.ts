import type { Db } from '../db/open';
import { newId } from '../../lib/ids';

export interface OutboxRow {
  id: string;
  job_id: string;
  recipient: string;
  sealed_link: string | null;
  state: 'queued' | 'sent' | 'failed' | 'cancelled';
  attempts: number;
  next_attempt_time: string;
  last_error: string | null;
  create_time: string;
  sent_time: string | null;
  lease_until: string | null;
}

/** A message a sender claimed: its id and the lease that makes it this sender's. */
export interface OutboxClaim {
  id: string;
  lease_until: string;
}

/**
 * The email outbox: durable, so a message queued before a crash is sent after
 * the restart. A worker claims due rows with a short lease, so two workers on
 * one database (e.g. two processes) never send the same message at once. A
 * retry or an end applies only while its sender still holds that lease: a send
 * that outlived its lease may have been claimed and sent by another worker
 * meanwhile, whose outcome must stand. "Sent" is a fact, whoever learns it: it
 * applies to any message still queued and clears the lease, so the other
 * sender's marks then change nothing. Left: when the other sender's last
 * attempt fails and commits first, the message ends failed although the first
 * send got through (the mail worker keeps each send inside half its lease, so
 * this needs a commit that waits longer than the other half).
 */
export function createOutboxRepository(db: Db) {
  const insert = db.prepare(
    `INSERT INTO outbox (id, job_id, recipient, sealed_link, state, next_attempt_time, create_time)
     VALUES (@id, @job_id, @recipient, @sealed_link, 'queued', @now, @now)`,
  );
  const due = db.prepare(
    `SELECT * FROM outbox WHERE state = 'queued' AND next_attempt_time <= @now AND (lease_until IS NULL OR lease_until <= @now)
     ORDER BY next_attempt_time LIMIT @limit`,
  );
  const lease = db.prepare(
    `UPDATE outbox SET lease_until = @until WHERE id = @id AND state = 'queued' AND (lease_until IS NULL OR lease_until <= @now)`,
  );
  const sent = db.prepare(
    `UPDATE outbox SET state = 'sent', sealed_link = NULL, attempts = attempts + 1, sent_time = @now, lease_until = NULL, last_error = NULL
     WHERE id = @id AND state = 'queued'`,
  );
  const retry = db.prepare(
    `UPDATE outbox SET attempts = attempts + 1, last_error = @error, next_attempt_time = @next, lease_until = NULL WHERE id = @id AND lease_until = @lease`,
  );
  const end = db.prepare(
    `UPDATE outbox SET state = @state, sealed_link = NULL, attempts = attempts + @tried, last_error = @error, lease_until = NULL
     WHERE id = @id AND lease_until = @lease`,
  );
  const byJob = db.prepare(`SELECT * FROM outbox WHERE job_id = ? ORDER BY rowid DESC LIMIT 1`);
  // A leased message is due again only when its lease runs out (its sender died, or could not
  // commit "sent"): otherwise the worker would claim it over and over, finding nothing, until then.
  const nextDue = db
    .prepare(`SELECT min(max(next_attempt_time, coalesce(lease_until, next_attempt_time))) FROM outbox WHERE state = 'queued'`)
    .pluck();
  return {
    enqueue(jobId: string, recipient: string, sealedLink: string, now: Date): string {
      const id = newId();
      insert.run({ id, job_id: jobId, recipient, sealed_link: sealedLink, now: now.toISOString() });
      return id;
    },
    /** Claims up to `limit` due messages for `leaseMs`; each returned row is this caller's to send, under its lease. */
    claimDue(now: Date, limit: number, leaseMs: number): (OutboxRow & OutboxClaim)[] {
      return db.transaction(() => {
        const nowIso = now.toISOString();
        const until = new Date(now.getTime() + leaseMs).toISOString();
        return (due.all({ now: nowIso, limit }) as OutboxRow[])
          .filter((row) => lease.run({ id: row.id, until, now: nowIso }).changes === 1)
          .map((row) => ({ ...row, lease_until: until }));
      })();
    },
    // Each mark answers false, and changes nothing, when it no longer applies (see above).
    markSent: (claim: OutboxClaim, now: Date): boolean => sent.run({ id: claim.id, now: now.toISOString() }).changes === 1,
    markRetry: (claim: OutboxClaim, error: string, next: Date): boolean =>
      retry.run({ id: claim.id, lease: claim.lease_until, error, next: next.toISOString() }).changes === 1,
    /** Gives up on a message: 'failed' after the last attempt, 'cancelled' when its job no longer wants it. */
    end: (claim: OutboxClaim, state: 'failed' | 'cancelled', error: string, tried: boolean): boolean =>
      end.run({ id: claim.id, lease: claim.lease_until, state, error, tried: tried ? 1 : 0 }).changes === 1,
    latestForJob: (jobId: string) => byJob.get(jobId) as OutboxRow | undefined,
    /** When the earliest queued message can next be claimed, or undefined when none is queued. */
    nextDueTime: () => (nextDue.get() as string | null) ?? undefined,
  };
}

export type OutboxRepository = ReturnType<typeof createOutboxRepository>;
