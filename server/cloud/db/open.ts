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
 * Foreign keys are off while a table rebuild is pending (`tableRebuilds`): the pragma is a
 * no-op inside a transaction, so it is set before; every reference is checked before commit.
 */
export function migrate(db: Db): void {
  const pending = (db.pragma('user_version', { simple: true }) as number) + 1;
  const rebuilds = migrations.some((_, i) => i + 1 >= pending && tableRebuilds.has(i + 1));
  const foreignKeys = db.pragma('foreign_keys', { simple: true }) as number;
  if (rebuilds) db.pragma('foreign_keys = OFF');
  try {
    for (;;) {
      const applied = db.transaction(() => {
        // Read inside the write lock, so two processes never apply one migration twice.
        const version = db.pragma('user_version', { simple: true }) as number;
        if (version >= migrations.length) return false;
        db.exec(migrations[version]!);
        if (rebuilds) {
          const broken = db.pragma('foreign_key_check') as unknown[];
          if (broken.length > 0) throw new Error(`migration ${version + 1} broke ${broken.length} foreign key references`);
        }
        db.pragma(`user_version = ${version + 1}`);
        return true;
      })();
      if (!applied) return;
    }
  } finally {
    if (rebuilds) db.pragma(`foreign_keys = ${foreignKeys ? 'ON' : 'OFF'}`);
  }
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
