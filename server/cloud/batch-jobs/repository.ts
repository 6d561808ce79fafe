import type { BatchJob } from '../../../contracts/bi/binding-job';
import type { Db } from '../db/open';

interface BatchRow {
  id: string;
  tenant_id: string;
  realm_id: string;
  identity_ids_json: string;
  job_template_json: string;
  state: BatchJob['state'];
  errors_json: string;
  create_time: string;
  update_time: string;
}

// The realm's batch queue: its batches' jobs whose email has not gone out
// yet. Read from the queued messages (few), not from every batch job ever
// made: CROSS JOIN keeps the outbox as the outer loop.
export const BATCH_QUEUE_COUNT = `SELECT count(*) FROM outbox o CROSS JOIN binding_jobs j
  WHERE o.state = 'queued' AND j.id = o.job_id AND j.realm_id = ? AND j.batch_id IS NOT NULL`;

/** Batch credential binding jobs: one EMAIL job per identity, with per-identity errors. */
export function createBatchJobRepository(db: Db) {
  const get = db.prepare(`SELECT * FROM batch_jobs WHERE id = ? AND realm_id = ?`);
  const insert = db.prepare(
    `INSERT INTO batch_jobs (id, tenant_id, realm_id, identity_ids_json, job_template_json, state, errors_json, create_time, update_time)
     VALUES (@id, @tenant_id, @realm_id, @identity_ids_json, @job_template_json, @state, @errors_json, @create_time, @update_time)`,
  );
  const finish = db.prepare(`UPDATE batch_jobs SET state = ?, errors_json = ?, update_time = ? WHERE id = ?`);
  const queued = db.prepare(BATCH_QUEUE_COUNT).pluck();
  return {
    /** How many of the realm's batch jobs wait for their email to be sent. */
    queuedInRealm: (realmId: string) => queued.get(realmId) as number,
    get: (realmId: string, id: string) => toBatch(get.get(id, realmId) as BatchRow | undefined),
    insert(batch: BatchJob): void {
      insert.run({
        id: batch.id,
        tenant_id: batch.tenant_id,
        realm_id: batch.realm_id,
        identity_ids_json: JSON.stringify(batch.identity_ids),
        job_template_json: JSON.stringify(batch.job_template),
        state: batch.state,
        errors_json: JSON.stringify(batch.state_commentary.errors),
        create_time: batch.create_time,
        update_time: batch.update_time,
      });
    },
    finish(batch: BatchJob): void {
      finish.run(batch.state, JSON.stringify(batch.state_commentary.errors), batch.update_time, batch.id);
    },
  };
}

function toBatch(row: BatchRow | undefined): BatchJob | undefined {
  if (!row) return undefined;
  return {
    id: row.id,
    tenant_id: row.tenant_id,
    realm_id: row.realm_id,
    identity_ids: JSON.parse(row.identity_ids_json) as string[],
    state: row.state,
    state_commentary: { errors: JSON.parse(row.errors_json) as BatchJob['state_commentary']['errors'] },
    job_template: JSON.parse(row.job_template_json) as BatchJob['job_template'],
    create_time: row.create_time,
    update_time: row.update_time,
  };
}

export type BatchJobRepository = ReturnType<typeof createBatchJobRepository>;
