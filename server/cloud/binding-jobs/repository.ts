import type { AuthenticatorConfigBody } from '../../../contracts/bi/authenticator-config';
import type { BindingJob, BindingJobState, DeliveryMethod } from '../../../contracts/bi/binding-job';
import type { IdentityStatus, TraitsV0 } from '../../../contracts/bi/identity';
import { timingSafeEqual } from 'node:crypto';
import { invalidField } from '../../lib/api-error';
import { newTimeOrderedId } from '../../lib/ids';
import { jobSeqsOfIdentity } from '../db/identity-jobs';
import { statementCache, type Db } from '../db/open';
import type { FilterTerm } from '../http/filter';
import { takePage, type PageOf, type PageRequest } from '../http/paging';

export const BINDING_JOB_STATES: readonly BindingJobState[] = [
  'LINK_SENT', 'LINK_OPENED', 'REQUEST_DELIVERED', 'COMPLETE', 'EXPIRED', 'FAILED_TO_SEND', 'REVOKED',
];
export const BINDING_JOB_FILTERS = ['state', 'delivery_method'] as const;

/** States in which the binding link can still be used. */
const PENDING = `('LINK_SENT', 'LINK_OPENED', 'REQUEST_DELIVERED')`;

// A pending job whose expire_time has passed reads EXPIRED: computed on read,
// so expiry needs no sweeper and is exact to the millisecond.
export const JOB_SELECT = `SELECT rowid AS seq, id, identity_id, realm_id, tenant_id, credential_id, batch_id, delivery_method,
    CASE WHEN state IN ${PENDING} AND expire_time <= @now THEN 'EXPIRED' ELSE state END AS state,
    state_reason, post_binding_redirect_uri, authenticator_config_id, expire_time, create_time, update_time
  FROM binding_jobs`;

// The binding protocol's one read per request: the job its URL names, with
// its token hash and what deciding on it needs (its identity's status, its authenticator
// config). Three separate reads per call were a sixth of the bind ceremony's
// CPU (profiled with `npm run bench:profile -- bind`).
const SELECT_LINK = `SELECT j.rowid AS seq, j.id, j.identity_id, j.realm_id, j.tenant_id, j.credential_id, j.batch_id, j.delivery_method,
    CASE WHEN j.state IN ${PENDING} AND j.expire_time <= @now THEN 'EXPIRED' ELSE j.state END AS state,
    j.state_reason, j.post_binding_redirect_uri, j.authenticator_config_id, j.expire_time, j.create_time, j.update_time,
    j.token_hash, i.status AS identity_status, i.display_name AS identity_display_name, i.traits_json AS identity_traits_json, a.config_json
  FROM binding_jobs j
  JOIN identities i ON i.id = j.identity_id
  LEFT JOIN authenticator_configs a ON a.id = j.authenticator_config_id AND a.realm_id = j.realm_id`;

/** A binding job found by its id and token, with its identity's status and its authenticator config. */
export interface BindingLinkRecord {
  job: StoredBindingJob;
  identityStatus: IdentityStatus;
  /** What `:getInfo` shows of the identity. */
  identity: { display_name: string; traits: TraitsV0 };
  config: AuthenticatorConfigBody | undefined;
}

interface JobRow {
  seq: number;
  id: string;
  identity_id: string;
  realm_id: string;
  tenant_id: string;
  credential_id: string | null;
  batch_id: string | null;
  delivery_method: DeliveryMethod;
  state: BindingJobState;
  state_reason: string | null;
  post_binding_redirect_uri: string | null;
  authenticator_config_id: string;
  expire_time: string;
  create_time: string;
  update_time: string;
}

export interface NewBindingJob {
  tenant_id: string;
  realm_id: string;
  identity_id: string;
  batch_id: string | null;
  delivery_method: DeliveryMethod;
  state: BindingJobState;
  post_binding_redirect_uri: string | null;
  authenticator_config_id: string;
  token_hash: string;
  expire_time: string;
  create_time: string;
  update_time: string;
}

/** A binding job plus what the API does not show: why it is in its state. */
export type StoredBindingJob = BindingJob & { state_reason?: string };

/** How many times an insert draws a new id after a duplicate (1 in 2^20 within a millisecond). */
const ID_ATTEMPTS = 5;

/**
 * Credential binding jobs. Binding tokens are stored only as SHA-256 hashes.
 * `newJobId` is a seam for tests of the duplicate-id retry.
 */
export function createBindingJobRepository(db: Db, newJobId: (createdMs: number) => string = newTimeOrderedId) {
  const get = db.prepare(`${JOB_SELECT} WHERE id = @id AND realm_id = @realm_id`);
  const linkById = db.prepare(`${SELECT_LINK} WHERE j.id = @id`);
  const byId = db.prepare(`${JOB_SELECT} WHERE id = @id`);
  // Single use: only a job still pending and unexpired at commit time completes, and only
  // while the link is still usable in every other way `problemWith` judges: its identity not
  // suspended, its authenticator config still there. Decided here, in the one statement the
  // bind runs anyway, so a suspension or deletion committed while the proof was verified
  // refuses the bind without another read on its path.
  const complete = db.prepare(
    `UPDATE binding_jobs SET state = 'COMPLETE', credential_id = @credential_id, token_used_time = @now, update_time = @now
     WHERE id = @id AND state IN ${PENDING} AND expire_time > @now AND token_used_time IS NULL
       AND EXISTS (SELECT 1 FROM identities i WHERE i.id = binding_jobs.identity_id AND i.status <> 'suspended')
       AND EXISTS (SELECT 1 FROM authenticator_configs a WHERE a.id = binding_jobs.authenticator_config_id AND a.realm_id = binding_jobs.realm_id)`,
  );
  const opened = db.prepare(
    `UPDATE binding_jobs SET state = 'LINK_OPENED', update_time = @now
     WHERE id = @id AND state IN ('LINK_SENT', 'REQUEST_DELIVERED') AND expire_time > @now`,
  );
  // Positional: binding 13 named parameters from a spread copy of the job was a sixth of
  // issueBindingJob's time (perf, bench/.scratch), the statement's own work less than that.
  const insert = db.prepare(
    `INSERT INTO binding_jobs (id, tenant_id, realm_id, identity_id, batch_id, delivery_method, state, post_binding_redirect_uri,
       authenticator_config_id, token_hash, expire_time, create_time, update_time)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const setState = db.prepare(
    `UPDATE binding_jobs SET state = @state, state_reason = @reason, update_time = @now WHERE id = @id`,
  );
  // Only while "the email never arrived" is still the truth: LINK_SENT or REQUEST_DELIVERED and
  // unexpired. Not LINK_OPENED: an EMAIL link goes only to the inbox, so a person opening it means
  // an earlier attempt did arrive (its answer lost or late; delivery is at least once), and the link
  // is in use. Nor a job bound, revoked or expired while the send was under way: those stand.
  const failedToSend = db.prepare(
    `UPDATE binding_jobs SET state = 'FAILED_TO_SEND', state_reason = @reason, update_time = @now
     WHERE id = @id AND state IN ('LINK_SENT', 'REQUEST_DELIVERED') AND expire_time > @now`,
  );
  // The jobs whose links would lead nowhere once their authenticator config is gone (pending and
  // unexpired; the others read as they are). Searched by the realm's state index.
  const revokeUsingConfig = db.prepare(
    `UPDATE binding_jobs SET state = 'REVOKED', state_reason = @reason, update_time = @now
     WHERE realm_id = @realm_id AND state IN ${PENDING} AND expire_time > @now AND authenticator_config_id = @config_id
     RETURNING id, tenant_id, realm_id, identity_id`,
  );
  const byBatch = db.prepare(
    `${JOB_SELECT} WHERE batch_id = @batch_id AND rowid > @after ORDER BY rowid LIMIT @limit OFFSET @skip`,
  );
  const batchCounts = db.prepare(
    `SELECT count(*) AS total,
       count(*) FILTER (WHERE state = 'COMPLETE') AS success,
       count(*) FILTER (WHERE state IN ('FAILED_TO_SEND', 'REVOKED', 'EXPIRED') OR (state IN ${PENDING} AND expire_time <= @now)) AS failure
     FROM binding_jobs WHERE batch_id = @batch_id`,
  );
  const prepared = statementCache(db);

  return {
    get(realmId: string, id: string, now: Date): StoredBindingJob | undefined {
      return toJob(get.get({ id, realm_id: realmId, now: now.toISOString() }) as JobRow | undefined);
    },
    /**
     * Inserts a job under a new time-ordered id and answers the id. Ids are drawn until one is
     * free: only a duplicate key is retried, inside the caller's transaction (a failed statement
     * leaves nothing behind).
     */
    insert(job: NewBindingJob): string {
      for (let attempt = 1; ; attempt++) {
        // The id's time is the job's `create_time` (the cloud's clock), not a second reading of the wall clock.
        const id = newJobId(Date.parse(job.create_time));
        try {
          insert.run(
            id, job.tenant_id, job.realm_id, job.identity_id, job.batch_id, job.delivery_method, job.state, job.post_binding_redirect_uri,
            job.authenticator_config_id, job.token_hash, job.expire_time, job.create_time, job.update_time,
          );
          return id;
        } catch (error) {
          if ((error as { code?: string }).code !== 'SQLITE_CONSTRAINT_UNIQUE' || attempt >= ID_ATTEMPTS) throw error;
        }
      }
    },
    /** A job by id alone, for internal callers that got the id from the database. */
    getById(id: string, now: Date): StoredBindingJob | undefined {
      return toJob(byId.get({ id, now: now.toISOString() }) as JobRow | undefined);
    },
    /**
     * Job `id`, with its identity's status and authenticator config, when `tokenHash` is its
     * binding token's hash; undefined otherwise, the same for an unknown job and a wrong token.
     */
    getLink(id: string, tokenHash: string, now: Date): BindingLinkRecord | undefined {
      const row = linkById.get({ id, now: now.toISOString() }) as
        | (JobRow & { token_hash: string; identity_status: IdentityStatus; identity_display_name: string; identity_traits_json: string; config_json: string | null })
        | undefined;
      if (!row || !sameHash(row.token_hash, tokenHash)) return undefined;
      return {
        job: toJob(row)!,
        identityStatus: row.identity_status,
        identity: { display_name: row.identity_display_name, traits: JSON.parse(row.identity_traits_json) as TraitsV0 },
        config: row.config_json ? (JSON.parse(row.config_json) as AuthenticatorConfigBody) : undefined,
      };
    },
    /** Marks the job COMPLETE with its credential; false when it was no longer pending (lost a race, expired). */
    complete(id: string, credentialId: string, now: Date): boolean {
      return complete.run({ id, credential_id: credentialId, now: now.toISOString() }).changes === 1;
    },
    /** A person opened the emailed link: LINK_SENT -> LINK_OPENED. False when nothing changed. */
    markOpened(id: string, now: Date): boolean {
      return opened.run({ id, now: now.toISOString() }).changes === 1;
    },
    setState(id: string, state: BindingJobState, now: Date, reason: string | null = null): void {
      setState.run({ id, state, reason, now: now.toISOString() });
    },
    /** The job's email could not be sent: FAILED_TO_SEND, unless it moved on meanwhile (see the statement). False when nothing changed. */
    markFailedToSend(id: string, now: Date, reason: string): boolean {
      return failedToSend.run({ id, reason, now: now.toISOString() }).changes === 1;
    },
    /** Revokes the realm's pending jobs that use authenticator config `configId`; answers the jobs revoked. */
    revokeUsingConfig(realmId: string, configId: string, now: Date, reason: string): { id: string; tenant_id: string; realm_id: string; identity_id: string }[] {
      return revokeUsingConfig.all({ realm_id: realmId, config_id: configId, reason, now: now.toISOString() }) as {
        id: string; tenant_id: string; realm_id: string; identity_id: string;
      }[];
    },
    /** `identityId` `-` lists the whole realm. */
    list(realmId: string, identityId: string, terms: FilterTerm[], req: PageRequest, now: Date): PageOf<BindingJob> {
      const where = ['realm_id = ?'];
      const values: string[] = [realmId];
      if (identityId !== '-') {
        where.push(`rowid IN (${jobSeqsOfIdentity('?')})`);
        values.push(identityId, identityId);
      }
      for (const term of terms) {
        if (term.attribute === 'delivery_method') {
          if (term.value !== 'RETURN' && term.value !== 'EMAIL') throw invalidField('filter', 'delivery_method must be RETURN or EMAIL');
          where.push('delivery_method = ?');
          values.push(term.value);
        } else {
          where.push(stateCondition(term.value));
          values.push(term.value);
        }
      }
      const sqlWhere = where.join(' AND ');
      const nowIso = now.toISOString();
      const rows = prepared(`${JOB_SELECT} WHERE ${sqlWhere} AND rowid > ? ORDER BY rowid LIMIT ? OFFSET ?`).all(
        { now: nowIso }, ...values, req.afterSeq, req.size + 1, req.skip,
      ) as JobRow[];
      const total = prepared(`SELECT count(*) FROM binding_jobs WHERE ${sqlWhere}`).pluck().get({ now: nowIso }, ...values) as number;
      return takePage(rows, req, total, (row) => publicJob(toJob(row)!));
    },
    listByBatch(batchId: string, req: PageRequest, now: Date) {
      const nowIso = now.toISOString();
      const rows = byBatch.all({ batch_id: batchId, after: req.afterSeq, limit: req.size + 1, skip: req.skip, now: nowIso }) as JobRow[];
      const counts = batchCounts.get({ batch_id: batchId, now: nowIso }) as { total: number; success: number; failure: number };
      return { page: takePage(rows, req, counts.total, (row) => publicJob(toJob(row)!)), counts };
    },
  };
}

/** The SQL condition for `state eq "X"` that agrees with the computed EXPIRED state. */
function stateCondition(state: string): string {
  if (!BINDING_JOB_STATES.includes(state as BindingJobState)) {
    throw invalidField('filter', `state must be one of ${BINDING_JOB_STATES.join(', ')}`);
  }
  if (state === 'EXPIRED') return `(state = ? OR (state IN ${PENDING} AND expire_time <= @now))`;
  if (['LINK_SENT', 'LINK_OPENED', 'REQUEST_DELIVERED'].includes(state)) return `(state = ? AND expire_time > @now)`;
  return 'state = ?';
}

/** The job a just-inserted record reads as (a new job is LINK_SENT and cannot have expired yet). */
export function insertedJob(id: string, r: NewBindingJob): BindingJob {
  return toJob({
    seq: 0, id, identity_id: r.identity_id, realm_id: r.realm_id, tenant_id: r.tenant_id, credential_id: null, batch_id: r.batch_id,
    delivery_method: r.delivery_method, state: r.state, state_reason: null, post_binding_redirect_uri: r.post_binding_redirect_uri,
    authenticator_config_id: r.authenticator_config_id, expire_time: r.expire_time, create_time: r.create_time, update_time: r.update_time,
  })!;
}

function toJob(row: JobRow | undefined): StoredBindingJob | undefined {
  if (!row) return undefined;
  // Built by assignment, in the API's field order. Written as one literal with the optional
  // fields spread in, every property after the first spread was defined through a missing
  // inline cache: a sixth of job creation's time in issueBindingJob (perf, bench/.scratch).
  const job = { id: row.id, identity_id: row.identity_id, realm_id: row.realm_id, tenant_id: row.tenant_id } as StoredBindingJob;
  if (row.credential_id) job.credential_id = row.credential_id;
  if (row.batch_id) job.batch_id = row.batch_id;
  job.delivery_method = row.delivery_method;
  job.state = row.state;
  if (row.post_binding_redirect_uri) job.post_binding_redirect_uri = row.post_binding_redirect_uri;
  job.authenticator_config_id = row.authenticator_config_id;
  job.expire_time = row.expire_time;
  job.create_time = row.create_time;
  job.update_time = row.update_time;
  if (row.state_reason) job.state_reason = row.state_reason;
  return job;
}

/** The job as the management API shows it (no internal fields). */
export function publicJob(job: StoredBindingJob): BindingJob {
  if (job.state_reason === undefined) return job;
  const { state_reason: _reason, ...rest } = job;
  return rest;
}

export type BindingJobRepository = ReturnType<typeof createBindingJobRepository>;

/** Compares two hex SHA-256 hashes in constant time, so a guess learns nothing from timing. */
function sameHash(stored: string, given: string): boolean {
  const a = Buffer.from(stored, 'hex');
  const b = Buffer.from(given, 'hex');
  return a.length === 32 && b.length === 32 && timingSafeEqual(a, b);
}
