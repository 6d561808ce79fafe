import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { migrations, tableRebuilds } from './migrations';

export type Db = Database.Database;

/**
 * Opens (creating if needed) the cloud's SQLite database and brings its schema
 * up to date. WAL lets readers run beside the one writer; foreign keys are off
 * by default in SQLite and must be switched on per connection.
 */
export function openDb(file: string): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // SQLite journals the pages a savepoint changes (and a statement's, where it
  // may have to undo one). Past 64 KiB that journal spills to a temp file,
  // created and deleted per transaction: when the group commit still gave each
  // request a savepoint, strace of one worker under job-creation load counted
  // 152 such files and 23.8k writes to them in 2 s, beside 27k WAL writes. In
  // memory it holds one group's pages at most.
  db.pragma('temp_store = MEMORY');
  // Whichever connection resets the WAL truncates its file to this size:
  // in cluster mode that is a worker, so every connection carries it.
  db.pragma('journal_size_limit = 67108864');
  writeTransactionsTakeTheLock(db);
  // Migrations are serialised by the write lock: of processes opening one
  // file together, the first migrates and the rest find it done.
  migrate(db);
  return db;
}

/**
 * Makes `db.transaction(fn)()` run as BEGIN IMMEDIATE. The cloud may serve
 * from several processes over one file (CLOUD_WORKERS). A deferred transaction
 * that reads and then writes fails at once with SQLITE_BUSY when another
 * connection committed in between, and the busy timeout cannot help it; an
 * immediate one takes the write lock first, waiting up to the busy timeout.
 * Every transaction the cloud opens writes, so none loses by it.
 */
function writeTransactionsTakeTheLock(db: Db): void {
  const transaction = db.transaction.bind(db);
  db.transaction = ((fn: (...args: unknown[]) => unknown) => {
    const modes = transaction(fn);
    return Object.assign((...args: unknown[]) => modes.immediate(...args), {
      default: modes.immediate,
      deferred: modes.deferred,
      immediate: modes.immediate,
      exclusive: modes.exclusive,
    });
  }) as Db['transaction'];
}

/**
 * Applies every migration newer than `PRAGMA user_version`, each in its own transaction.
 * A table rebuild (`tableRebuilds`) runs with foreign keys off, and only it: the pragma is a
 * no-op inside a transaction, so it is set before, and restored after. It must not commit
 * more broken references than there were before it.
 */
export function migrate(db: Db): void {
  const foreignKeys = db.pragma('foreign_keys', { simple: true }) as number;
  for (;;) {
    // A guess, outside the write lock; checked again inside it.
    const rebuild = tableRebuilds.has((db.pragma('user_version', { simple: true }) as number) + 1);
    if (rebuild) db.pragma('foreign_keys = OFF');
    try {
      const outcome = db.transaction(() => {
        // Read inside the write lock, so two processes never apply one migration twice.
        const version = db.pragma('user_version', { simple: true }) as number;
        if (version >= migrations.length) return 'done';
        // Another process migrated in between: this one is not the migration guessed.
        if (tableRebuilds.has(version + 1) !== rebuild) return 'again';
        const brokenBefore = rebuild ? brokenReferences(db) : 0;
        db.exec(migrations[version]!);
        if (rebuild) {
          const broken = brokenReferences(db);
          if (broken > brokenBefore) {
            throw new Error(`migration ${version + 1} would break ${broken - brokenBefore} foreign key references`);
          }
        }
        db.pragma(`user_version = ${version + 1}`);
        return 'applied';
      })();
      if (outcome === 'done') return;
    } finally {
      if (rebuild) db.pragma(`foreign_keys = ${foreignKeys ? 'ON' : 'OFF'}`);
    }
  }
}

/**
 * References a rebuild must not break: SQLite's declared foreign keys, and since
 * migration 16 a binding job's identity, which triggers keep instead.
 */
function brokenReferences(db: Db): number {
  const declared = (db.pragma('foreign_key_check') as unknown[]).length;
  const kept = db.prepare(`SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = 'binding_jobs_identity_exists'`).pluck().get() as number;
  if (!kept) return declared;
  const orphans = db.prepare(`SELECT count(*) FROM binding_jobs j WHERE NOT EXISTS (SELECT 1 FROM identities i WHERE i.id = j.identity_id)`).pluck().get() as number;
  return declared + orphans;
}

/**
 * Prepares each distinct SQL text once. For queries whose WHERE clause is
 * built from a filter: there are few shapes, and preparing is the costly part.
 */
export function statementCache(db: Db): (sql: string) => Database.Statement<unknown[]> {
  const statements = new Map<string, Database.Statement<unknown[]>>();
  return (sql) => {
    let statement = statements.get(sql);
    if (!statement) statements.set(sql, (statement = db.prepare<unknown[]>(sql)));
    return statement;
  };
}
