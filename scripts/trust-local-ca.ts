/**
 * `npm run trust-local-ca`: trusts the local cloud's CA (DATA_DIR/tls/ca.pem,
 * made by the first `npm start`) in your NSS database ($HOME/.pki/nssdb),
 * which Chromium and Firefox read on Linux. Then the SDK can fetch the signing
 * keys over https from the local cloud with real certificate checks.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { CA_NICKNAME, hasCertutil, nssDbDir, trustCa } from './support/nss';

const dataDir = process.env.DATA_DIR || '.data';
const caFile = path.resolve(dataDir, 'tls', 'ca.pem');
const home = process.env.HOME || homedir();

if (!existsSync(caFile)) {
  console.error(`No local CA at ${caFile} yet: run \`npm start\` once first (it creates the CA), then run this again.`);
  process.exit(1);
}
if (!hasCertutil()) {
  console.error('certutil is missing. Install it (Debian/Ubuntu: sudo apt-get install libnss3-tools), then run this again.');
  process.exit(1);
}
trustCa(home, caFile, CA_NICKNAME);
console.log(`Trusted ${caFile} as "${CA_NICKNAME}" for TLS servers in ${nssDbDir(home)}.`);
console.log('Restart the browser so it reads the database again. Undo with:');
console.log(`  certutil -d sql:${nssDbDir(home)} -D -n "${CA_NICKNAME}"`);
