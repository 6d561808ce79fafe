import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrations, tableRebuilds } from './migrations';
import { migrate, type Db } from './open';

/** A database as migrations 1..`version` left it, with foreign keys on as the cloud runs. */
function databaseAt(version: number): Db {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  for (const sql of migrations.slice(0, version)) db.exec(sql);
  db.pragma(`user_version = ${version}`);
  return db;
}

const JOB = `INSERT INTO binding_jobs (id, tenant_id, realm_id, identity_id, delivery_method, state, authenticator_config_id, token_hash, expire_time, create_time, update_time)
  VALUES (?, 't', 'r', ?, 'EMAIL', 'LINK_SENT', 'c', ?, 'x', 'x', 'x')`;

describe('migration 9: binding jobs without the token hash index', () => {
  function before(): Db {
    const db = databaseAt(8);
    db.exec(`INSERT INTO tenants (id, display_name, create_time, update_time) VALUES ('t', 'T', 'x', 'x');
      INSERT INTO realms (id, tenant_id, display_name, create_time, update_time) VALUES ('r', 't', 'R', 'x', 'x')`);
    const identity = db.prepare(`INSERT INTO identities (id, tenant_id, realm_id, display_name, traits_json, username, username_key, create_time, update_time)
      VALUES (?, 't', 'r', ?, '{}', ?, ?, 'x', 'x')`);
    identity.run('i1', 'Ann', 'ann', 'ann');
    identity.run('i2', 'Bob', 'bob', 'bob');
    const job = db.prepare(JOB);
    job.run('j1', 'i1', 'a'.repeat(64));
    job.run('j2', 'i1', 'b'.repeat(64));
    job.run('j3', 'i2', 'c'.repeat(64));
    // A gap in the rowids: lists page by rowid, so they must survive the rebuild as they are.
    db.prepare(`DELETE FROM binding_jobs WHERE id = 'j2'`).run();
    db.prepare(`INSERT INTO outbox (id, job_id, recipient, state, next_attempt_time, create_time) VALUES ('o1', 'j1', 'ann@example.com', 'queued', 'x', 'x')`).run();
    db.prepare(`INSERT INTO outbox (id, job_id, recipient, state, next_attempt_time, create_time) VALUES ('o3', 'j3', 'bob@example.com', 'queued', 'x', 'x')`).run();
    return db;
  }
  const jobs = (db: Db) => db.prepare(`SELECT rowid AS rowid, id, identity_id, token_hash FROM binding_jobs ORDER BY rowid`).all();
  const outbox = (db: Db) => db.prepare(`SELECT id, job_id FROM outbox ORDER BY id`).all();

  it('keeps every job with its rowid and every queued email, and drops only the token hash index', () => {
    const db = before();
    const jobsBefore = jobs(db);
    const outboxBefore = outbox(db);
    expect(db.prepare(`SELECT count(*) FROM binding_jobs WHERE token_hash = ?`).pluck().get('c'.repeat(64))).toBe(1);
    migrate(db);

    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
    expect(jobs(db)).toEqual(jobsBefore);
    expect(jobsBefore).toEqual([
      { rowid: 1, id: 'j1', identity_id: 'i1', token_hash: 'a'.repeat(64) },
      { rowid: 3, id: 'j3', identity_id: 'i2', token_hash: 'c'.repeat(64) },
    ]);
    // With foreign keys on during the DROP, the cascade would have emptied the outbox.
    expect(outbox(db)).toEqual(outboxBefore);
    expect(outboxBefore).toHaveLength(2);

    const indexes = db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'binding_jobs' ORDER BY name`).all() as { name: string; sql: string | null }[];
    // binding_jobs_by_identity became a table of its own at migration 16.
    expect(indexes.map((i) => i.name)).toEqual([
      'binding_jobs_by_batch', 'binding_jobs_by_credential', 'binding_jobs_by_realm', 'binding_jobs_by_realm_state', 'sqlite_autoindex_binding_jobs_1',
    ]);
    const plan = db.prepare(`EXPLAIN QUERY PLAN SELECT id FROM binding_jobs WHERE token_hash = ?`).all('x') as { detail: string }[];
    expect(plan.map((p) => p.detail)).toEqual(['SCAN binding_jobs']);
    db.close();
  });

  it('leaves foreign keys on and enforced: an unknown identity is refused, a deleted one takes its jobs and emails along', () => {
    const db = before();
    migrate(db);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(() => db.prepare(JOB).run('j9', 'nobody', 'd'.repeat(64))).toThrow(/FOREIGN KEY/);
    db.prepare(`DELETE FROM identities WHERE id = 'i1'`).run();
    expect(jobs(db).map((j) => (j as { id: string }).id)).toEqual(['j3']);
    expect(outbox(db)).toEqual([{ id: 'o3', job_id: 'j3' }]);
    db.close();
  });

  it('does not commit a rebuild that would break a reference, and tolerates one that was broken before', () => {
    const stale = before();
    // A row whose parent is gone: only possible with foreign keys off, as during a rebuild.
    stale.pragma('foreign_keys = OFF');
    stale.prepare(`INSERT INTO outbox (id, job_id, recipient, state, next_attempt_time, create_time) VALUES ('o9', 'gone', 'x@example.com', 'queued', 'x', 'x')`).run();
    stale.pragma('foreign_keys = ON');
    migrate(stale);
    expect(stale.pragma('user_version', { simple: true })).toBe(migrations.length);
    stale.close();

    const db = before();
    // A faulty rebuild that loses job j1: its queued email would lose its parent.
    const list = migrations as string[];
    const rebuild = list[8]!;
    list[8] = rebuild.replace('    FROM binding_jobs;', "    FROM binding_jobs WHERE id <> 'j1';");
    expect(list[8]).not.toBe(rebuild);
    try {
      expect(() => migrate(db)).toThrow(/migration 9 would break 1 foreign key references/);
    } finally {
      list[8] = rebuild;
    }
    expect(db.pragma('user_version', { simple: true })).toBe(8);
    expect(db.prepare(`SELECT sql FROM sqlite_master WHERE name = 'binding_jobs'`).pluck().get()).toMatch(/token_hash TEXT NOT NULL UNIQUE/);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();
  });

  it('turns foreign keys off for the rebuild only: the migrations before it still cascade', () => {
    const db = databaseAt(0);
    const seen: number[] = [];
    const exec = db.exec.bind(db);
    db.exec = (sql: string) => {
      if (migrations.includes(sql)) seen.push(db.pragma('foreign_keys', { simple: true }) as number);
      return exec(sql);
    };
    migrate(db);
    expect(seen).toEqual(migrations.map((_, i) => (tableRebuilds.has(i + 1) ? 0 : 1)));
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();
  });
});

describe('migration 11: authorize transactions whose PKCE challenge may be absent', () => {
  const TRANSACTION = `INSERT INTO oidc_transactions (id, tenant_id, realm_id, application_id, redirect_uri, code_challenge, scope, bi_nonce, expire_time, create_time)
    VALUES (?, 't', 'r', 'a', 'https://app.example/cb', ?, 'openid', 'n', 'x', 'x')`;
  const CODE = `INSERT INTO oidc_codes (code_hash, transaction_id, application_id, identity_id, credential_id, auth_time, expire_time, create_time)
    VALUES (?, ?, 'a', 'i1', 'c', 0, 'x', 'x')`;

  /** A transaction as authorize writes it after the migration, with the challenge's method. */
  const AFTER = `INSERT INTO oidc_transactions (id, tenant_id, realm_id, application_id, redirect_uri, code_challenge, code_challenge_method,
      scope, bi_nonce, expire_time, create_time)
    VALUES (?, 't', 'r', ?, 'https://app.example/cb', ?, ?, 'openid', 'n', 'x', 'x')`;

  function before(): Db {
    const db = databaseAt(10);
    db.exec(`INSERT INTO tenants (id, display_name, create_time, update_time) VALUES ('t', 'T', 'x', 'x');
      INSERT INTO realms (id, tenant_id, display_name, create_time, update_time) VALUES ('r', 't', 'R', 'x', 'x');
      INSERT INTO applications (id, tenant_id, realm_id, create_time, update_time) VALUES ('a', 't', 'r', 'x', 'x');
      INSERT INTO identities (id, tenant_id, realm_id, display_name, traits_json, username, username_key, create_time, update_time)
        VALUES ('i1', 't', 'r', 'Ann', '{}', 'ann', 'ann', 'x', 'x')`);
    const transaction = db.prepare(TRANSACTION);
    transaction.run('tx1', 'a'.repeat(43));
    transaction.run('tx2', 'b'.repeat(43));
    transaction.run('tx3', 'c'.repeat(43));
    db.prepare(`DELETE FROM oidc_transactions WHERE id = 'tx2'`).run();
    db.prepare(CODE).run('code1', 'tx1');
    db.prepare(CODE).run('code3', 'tx3');
    return db;
  }
  const transactions = (db: Db) => db.prepare(`SELECT rowid, id, code_challenge, code_challenge_method FROM oidc_transactions ORDER BY rowid`).all();
  const codes = (db: Db) => db.prepare(`SELECT code_hash, transaction_id FROM oidc_codes ORDER BY code_hash`).all();

  it('keeps every transaction (as S256, with its rowid) and every code that refers to one', () => {
    const db = before();
    expect(() => db.prepare(TRANSACTION).run('tx9', null)).toThrow(/NOT NULL/);
    migrate(db);
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
    expect(transactions(db)).toEqual([
      { rowid: 1, id: 'tx1', code_challenge: 'a'.repeat(43), code_challenge_method: 'S256' },
      { rowid: 3, id: 'tx3', code_challenge: 'c'.repeat(43), code_challenge_method: 'S256' },
    ]);
    // With foreign keys on during the DROP, the cascade would have deleted the codes.
    expect(codes(db)).toEqual([{ code_hash: 'code1', transaction_id: 'tx1' }, { code_hash: 'code3', transaction_id: 'tx3' }]);
    db.close();
  });

  it('takes a transaction without a challenge, and a challenge only with its method (S256 or plain)', () => {
    const db = before();
    migrate(db);
    const insert = db.prepare(AFTER);
    insert.run('none', 'a', null, null);
    insert.run('plain', 'a', 'p'.repeat(43), 'plain');
    insert.run('s256', 'a', 's'.repeat(43), 'S256');
    expect(() => insert.run('no-method', 'a', 'q'.repeat(43), null)).toThrow(/CHECK/);
    expect(() => insert.run('method-alone', 'a', null, 'S256')).toThrow(/CHECK/);
    expect(() => insert.run('lowercase', 'a', 'q'.repeat(43), 's256')).toThrow(/CHECK/);
    db.close();
  });

  it('leaves foreign keys on and enforced: an unknown application is refused, a deleted transaction takes its codes along', () => {
    const db = before();
    migrate(db);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(() => db.prepare(AFTER).run('tx9', 'nowhere', null, null)).toThrow(/FOREIGN KEY/);
    db.prepare(`DELETE FROM oidc_transactions WHERE id = 'tx1'`).run();
    expect(codes(db)).toEqual([{ code_hash: 'code3', transaction_id: 'tx3' }]);
    // And an application deleted takes its transactions, and so their codes, along.
    db.prepare(`DELETE FROM applications WHERE id = 'a'`).run();
    expect(transactions(db)).toEqual([]);
    expect(codes(db)).toEqual([]);
    db.close();
  });
});

describe('migration 12: indexes for purging expired sign-in rows', () => {
  const INDEXES = ['oidc_access_tokens_by_expire_time', 'oidc_codes_by_expire_time', 'oidc_codes_by_transaction', 'oidc_transactions_by_expire_time'];
  const indexesOf = (db: Db) =>
    db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND name IN (${INDEXES.map(() => '?').join(', ')}) ORDER BY name`).pluck().all(...INDEXES);

  it('applies on a database at version 11, keeping its rows, and is no table rebuild', () => {
    const db = databaseAt(11);
    db.exec(`INSERT INTO tenants (id, display_name, create_time, update_time) VALUES ('t', 'T', 'x', 'x');
      INSERT INTO realms (id, tenant_id, display_name, create_time, update_time) VALUES ('r', 't', 'R', 'x', 'x');
      INSERT INTO applications (id, tenant_id, realm_id, create_time, update_time) VALUES ('a', 't', 'r', 'x', 'x');
      INSERT INTO identities (id, tenant_id, realm_id, display_name, traits_json, username, username_key, create_time, update_time)
        VALUES ('i1', 't', 'r', 'Ann', '{}', 'ann', 'ann', 'x', 'x');
      INSERT INTO oidc_transactions (id, tenant_id, realm_id, application_id, redirect_uri, scope, bi_nonce, expire_time, create_time)
        VALUES ('tx1', 't', 'r', 'a', 'https://app.example/cb', 'openid', 'n', '2030-01-01T00:05:00.000Z', 'x');
      INSERT INTO oidc_codes (code_hash, transaction_id, application_id, identity_id, credential_id, auth_time, expire_time, create_time)
        VALUES ('code1', 'tx1', 'a', 'i1', 'c', 0, '2030-01-01T00:01:00.000Z', 'x');
      INSERT INTO oidc_access_tokens (token_hash, code_hash, application_id, identity_id, scope, expire_time, create_time)
        VALUES ('tok1', 'code1', 'a', 'i1', 'openid', '2030-01-01T01:00:00.000Z', 'x')`);
    expect(indexesOf(db)).toEqual([]);
    expect(tableRebuilds.has(12)).toBe(false);

    migrate(db);
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
    expect(indexesOf(db)).toEqual(INDEXES);
    expect(db.prepare(`SELECT count(*) FROM oidc_transactions`).pluck().get()).toBe(1);
    expect(db.prepare(`SELECT count(*) FROM oidc_codes`).pluck().get()).toBe(1);
    expect(db.prepare(`SELECT count(*) FROM oidc_access_tokens`).pluck().get()).toBe(1);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });
});
