/**
 * Bench-only peer for job creation: a passkey registration-options endpoint on
 * raw node:http, built on @simplewebauthn/server, that stores each challenge in
 * SQLite (WAL) before answering. One Node process.
 */
import { generateRegistrationOptions } from '@simplewebauthn/server';
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';

const db = new Database(path.join(mkdtempSync(path.join(tmpdir(), 'bench-peer-')), 'peer.sqlite'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec('CREATE TABLE challenges (id INTEGER PRIMARY KEY, username TEXT NOT NULL, challenge TEXT NOT NULL, create_time TEXT NOT NULL)');
const store = db.prepare('INSERT INTO challenges (username, challenge, create_time) VALUES (?, ?, ?)');

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c)).on('end', () => {
    if (req.method !== 'POST' || !req.url?.startsWith('/registration-options')) return void res.writeHead(404).end();
    (async () => {
      const { username } = JSON.parse(Buffer.concat(chunks).toString()) as { username: string };
      const options = await generateRegistrationOptions({
        rpName: 'Bindery', rpID: 'localhost', userName: username,
        attestationType: 'none', authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
      });
      db.transaction(() => store.run(username, options.challenge, new Date().toISOString()))();
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(options));
    })().catch(() => res.writeHead(400).end());
  });
});
server.listen(0, '127.0.0.1', () => console.log(`LISTENING ${(server.address() as { port: number }).port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
