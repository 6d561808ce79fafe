import type { Credential } from '../../../contracts/bi/credential';
import type { Db } from '../db/open';
import { takePage, type PageOf, type PageRequest } from '../http/paging';

type CredentialRow = Credential & { seq: number };

const COLUMNS = `rowid AS seq, id, identity_id, realm_id, tenant_id, state, csr_type, jwk_json, jwk_thumbprint, create_time, update_time`;

/** Credentials: the cloud's record of each passkey's public key. */
export function createCredentialRepository(db: Db) {
  const get = db.prepare(`SELECT ${COLUMNS} FROM credentials WHERE id = ? AND realm_id = ? AND identity_id = ?`);
  const insert = db.prepare(
    `INSERT INTO credentials (id, tenant_id, realm_id, identity_id, state, csr_type, jwk_json, jwk_thumbprint, create_time, update_time)
     VALUES (@id, @tenant_id, @realm_id, @identity_id, @state, @csr_type, @jwk_json, @jwk_thumbprint, @create_time, @update_time)`,
  );
  const revoke = db.prepare(`UPDATE credentials SET state = 'REVOKED', update_time = ? WHERE id = ? AND state = 'ACTIVE'`);
  const pageOne = db.prepare(
    `SELECT ${COLUMNS} FROM credentials WHERE realm_id = ? AND identity_id = ? AND rowid > ? ORDER BY rowid LIMIT ? OFFSET ?`,
  );
  const countOne = db.prepare(`SELECT count(*) FROM credentials WHERE realm_id = ? AND identity_id = ?`).pluck();
  const pageAll = db.prepare(
    `SELECT ${COLUMNS} FROM credentials WHERE realm_id = ? AND rowid > ? ORDER BY rowid LIMIT ? OFFSET ?`,
  );
  const countAll = db.prepare(`SELECT count(*) FROM credentials WHERE realm_id = ?`).pluck();
  const byThumbprint = db.prepare(`SELECT ${COLUMNS} FROM credentials WHERE jwk_thumbprint = ? ORDER BY rowid DESC LIMIT 1`);

  return {
    get(realmId: string, identityId: string, id: string): Credential | undefined {
      return strip(get.get(id, realmId, identityId) as CredentialRow | undefined);
    },
    insert: (credential: Credential) => void insert.run(credential),
    /** The credential of a passkey, by its public key's RFC 7638 thumbprint (the sign-in proof's `kid`). */
    findByThumbprint: (thumbprint: string) => strip(byThumbprint.get(thumbprint) as CredentialRow | undefined),
    /** ACTIVE -> REVOKED; false when it was not ACTIVE. */
    revoke: (id: string, now: Date) => revoke.run(now.toISOString(), id).changes === 1,
    /** `identityId` `-` lists the whole realm. */
    list(realmId: string, identityId: string, req: PageRequest): PageOf<Credential> {
      const rows = (
        identityId === '-'
          ? pageAll.all(realmId, req.afterSeq, req.size + 1, req.skip)
          : pageOne.all(realmId, identityId, req.afterSeq, req.size + 1, req.skip)
      ) as CredentialRow[];
      const total = (identityId === '-' ? countAll.get(realmId) : countOne.get(realmId, identityId)) as number;
      return takePage(rows, req, total, (row) => strip(row)!);
    },
  };
}

function strip(row: CredentialRow | undefined): Credential | undefined {
  if (!row) return undefined;
  const { seq: _seq, ...credential } = row;
  return credential;
}

export type CredentialRepository = ReturnType<typeof createCredentialRepository>;
