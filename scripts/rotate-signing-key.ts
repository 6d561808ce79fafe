/**
 * `npm run rotate-signing-key`: the local cloud signs with a new key from now
 * on (authorize request JWTs, ID tokens); the old key stays in the JWKS until
 * everything it signed has expired. Works with the cloud running (it reads the
 * active key at each signature) or stopped. Uses DATA_DIR like `npm start`.
 */
import { existsSync } from 'node:fs';
import { readCloudConfig } from '../server/cloud/config';
import { openDb } from '../server/cloud/db/open';
import { rotateSigningKey } from '../server/cloud/oidc/rotate-signing-key';
import { createSigningKeys } from '../server/cloud/oidc/signing-keys';
import { loadSealKey } from '../server/cloud/server';

const config = readCloudConfig();
if (!existsSync(config.dbFile)) {
  console.error(`No cloud database at ${config.dbFile}: run \`npm start\` once first (or set DATA_DIR).`);
  process.exit(1);
}
const db = openDb(config.dbFile);
const now = new Date();
const { kid, retiredUntil } = await rotateSigningKey(db, createSigningKeys(db, loadSealKey(config.dataDir)), now);
db.close();
console.log(`Signing with key ${kid} from now on.`);
if (retiredUntil) console.log(`The previous key stays in the JWKS until ${retiredUntil.toISOString()}.`);
