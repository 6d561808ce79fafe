/**
 * Bench-only reference responder: the practical ceiling of one Node process for
 * the bind ceremony. Raw node:http, the same three calls (link, :getInfo, :bind),
 * one ES256 verify and one SQLite (WAL) transaction per bind, single-use tokens
 * stored as SHA-256 hashes. `POST /seed {n}` makes n jobs (setup, not measured).
 */
import Database from 'better-sqlite3';
import { createHash, createPublicKey, randomBytes, verify } from 'node:crypto';
import { createServer } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const db = new Database(path.join(mkdtempSync(path.join(tmpdir(), 'bench-ref-')), 'ref.sqlite'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec(`CREATE TABLE identities (id TEXT PRIMARY KEY, display_name TEXT, username TEXT);
  CREATE TABLE jobs (id TEXT PRIMARY KEY, identity_id TEXT, token_hash TEXT UNIQUE, used INTEGER DEFAULT 0);
  CREATE TABLE credentials (id TEXT PRIMARY KEY, identity_id TEXT, jwk TEXT);`);
const byToken = db.prepare(`SELECT j.*, i.display_name, i.username FROM jobs j JOIN identities i ON i.id = j.identity_id WHERE token_hash = ? AND used = 0`);
const useJob = db.prepare(`UPDATE jobs SET used = 1 WHERE id = ? AND used = 0`);
const addCred = db.prepare(`INSERT INTO credentials VALUES (?, ?, ?)`);
const bindTx = db.transaction((job: string, identity: string, jwk: string) => {
  addCred.run(randomBytes(8).toString('hex'), identity, jwk);
  if (useJob.run(job).changes !== 1) throw new Error('used');
});
const T = 't0', R = 'r0', hash = (s: string) => createHash('sha256').update(s).digest('hex');
const b64json = (s: string) => JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c)).on('end', () => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
    };
    const url = new URL(req.url!, 'http://x');
    if (url.pathname === '/seed') {
      const out = db.transaction((n: number) => Array.from({ length: n }, () => {
        const [i, j, token] = [randomBytes(8).toString('hex'), randomBytes(8).toString('hex'), randomBytes(48).toString('base64url')];
        db.prepare(`INSERT INTO identities VALUES (?, ?, ?)`).run(i, `User ${i}`, i);
        db.prepare(`INSERT INTO jobs (id, identity_id, token_hash) VALUES (?, ?, ?)`).run(j, i, hash(token));
        return { link: `/v1/tenants/${T}/realms/${R}/identities/${i}/credential-binding-jobs/${j}:invokeAuthenticator?token=${token}`, sub: `CN=${i}, OU=${R}, O=${T}` };
      }))(JSON.parse(Buffer.concat(chunks).toString()).n);
      return send(200, out);
    }
    const m = /^\/v1\/tenants\/([^/]+)\/realms\/([^/]+)\/identities\/([^/]+)\/credential-binding-jobs\/([^/:]+):(invokeAuthenticator|getInfo|bind)$/.exec(url.pathname);
    const token = m?.[5] === 'invokeAuthenticator' ? url.searchParams.get('token') : /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    const job = token ? (byToken.get(hash(token)) as { id: string; identity_id: string; display_name: string; username: string } | undefined) : undefined;
    if (!m || !job || job.id !== m[4] || job.identity_id !== m[3]) return send(404, { code: 'not_found' });
    if (m[5] === 'invokeAuthenticator') return send(200, { api_base_url: 'x', tenant_id: T, realm_id: R, identity_id: job.identity_id, job_id: job.id, token });
    if (m[5] === 'getInfo') return send(200, { tenant: { display_name: 'T' }, realm: { display_name: 'R' }, identity: { display_name: job.display_name, traits: { type: 'traits_v0', username: job.username } } });
    try {
      const raw = JSON.parse(Buffer.concat(chunks).toString()).raw as string;
      const [h, p, s] = raw.split('.') as [string, string, string];
      const { alg, jwk } = b64json(h), payload = b64json(p);
      const key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y }, format: 'jwk' });
      const ok = alg === 'ES256' && verify('sha256', Buffer.from(`${h}.${p}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(s, 'base64url'));
      if (!ok || payload.token !== token || payload.sub !== `CN=${job.identity_id}, OU=${R}, O=${T}`) return send(400, { code: 'invalid' });
      bindTx(job.id, job.identity_id, JSON.stringify(jwk));
      return send(200, { id: job.id, state: 'ACTIVE' });
    } catch {
      return send(409, { code: 'conflict' });
    }
  });
});
server.listen(0, '127.0.0.1', () => console.log(`LISTENING ${(server.address() as { port: number }).port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
