import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createTestCloud, identityBody } from '../test/harness';
import { tempDbFile } from '../test/temp-db';

// With CLOUD_WORKERS > 1 another process may hold SQLite's write lock. A plain
// transaction would wait for it in SQLite's busy handler, which sleeps and
// stalls every request of the process; requests write through the group
// commit instead, which retries on a timer. Here the other process is a
// second connection whose lock is released by a timer: a sleeping wait would
// never see that timer fire, and would fail after the 5 s busy timeout.
describe('a write while another process holds the write lock', () => {
  it.each([
    ['CreateIdentity', 'POST', '/identities', () => identityBody('locked-out')],
    ['UpdateIdentity', 'PATCH', '/identities/{id}', () => ({ identity: { display_name: 'Renamed' } })],
    ['CreateCredentialBindingJob', 'POST', '/identities/{id}/credential-binding-jobs', (configId: string) => ({ job: { delivery_method: 'RETURN', authenticator_config_id: configId } })],
    ['DeleteIdentity', 'DELETE', '/identities/{id}', () => undefined],
  ] as const)('%s waits without stalling the event loop, then commits', async (_op, method, path, body) => {
    const { file } = tempDbFile();
    const t = createTestCloud({ dbFile: file });
    const created = await t.post(`${t.realmPath()}/identities`, identityBody('target'));
    const target = `${t.realmPath()}${path.replace('{id}', created.body.id as string)}`;

    const other = new Database(file);
    other.prepare('BEGIN IMMEDIATE').run();
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 5);
    setTimeout(() => other.prepare('ROLLBACK').run(), 150);
    const response = await t.request(method, target, { body: body(t.tenant.app.authenticator_config_id) });
    clearInterval(ticker);
    other.close();

    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(ticks).toBeGreaterThan(10);
  });
});

describe('a write without a bearer token while another process holds the write lock', () => {
  it('is refused with 401 at once, without waiting for the lock', async () => {
    const { file } = tempDbFile();
    const t = createTestCloud({ dbFile: file });
    const other = new Database(file);
    other.prepare('BEGIN IMMEDIATE').run();
    try {
      for (const headers of [{}, { authorization: 'Basic dXNlcjpwYXNz' }, { authorization: 'Bearer' }] as Record<string, string>[]) {
        // Held for the whole request: a write that queued for the lock would not answer before the release.
        const answered = await Promise.race([
          t.request('POST', `${t.realmPath()}/identities`, { token: null, headers, body: identityBody('nobody') }),
          new Promise<'waiting'>((resolve) => setTimeout(() => resolve('waiting'), 1000)),
        ]);
        expect(answered === 'waiting' ? answered : { status: answered.status, body: answered.body }).toEqual({
          status: 401,
          body: { code: 'unauthorized', message: 'unauthorized' },
        });
      }
    } finally {
      other.prepare('ROLLBACK').run();
      other.close();
    }
  });
});
