import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../lib/logger';
import { buildCloud } from './app';
import { MANAGEMENT_SCOPES } from './auth/scopes';
import { openDb } from './db/open';
import { ensureDevTenant } from './seed';

let dir: string;
let cloud: ReturnType<typeof buildCloud>;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bindery-seed-mgmt-'));
  cloud = buildCloud({
    db: openDb(':memory:'),
    config: { apiBaseUrl: 'http://localhost:8787', authBaseUrl: 'http://localhost:8787', bindingTokenTtlSeconds: 3600, maxBodyBytes: 256 * 1024, jwksBaseUrl: 'https://localhost:8788' },
    log: createLogger({}, { level: 'silent' }),
    clock: () => new Date(),
  });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const ORIGIN = 'http://localhost:3000';

/** A client_credentials grant with the dev tenant's management credentials, asking for no scope (so: all it may have). */
async function mintAll(dev: ReturnType<typeof ensureDevTenant>) {
  const response = await cloud.app.request(`/v1/tenants/${dev.tenant_id}/realms/${dev.realm_id}/applications/${dev.management.application_id}/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${dev.management.client_id}:${dev.management.client_secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { scope: string }).scope.split(' ').sort();
}

describe('the seeded Management API application', () => {
  it('references a resource server, so its client credentials mint every management scope', async () => {
    const dev = ensureDevTenant(cloud.deps, { dataDir: dir, appOrigin: ORIGIN });
    const managed = cloud.deps.repos.applications.get(dev.realm_id, dev.management.application_id)!;
    expect(managed.is_managed).toBe(true);
    expect(managed.resource_server_id).toMatch(/^[0-9a-f]{16}$/);
    expect(await mintAll(dev)).toEqual([...MANAGEMENT_SCOPES].sort());
    // The app's OIDC client stays an authentication-only client.
    expect(cloud.deps.repos.applications.get(dev.realm_id, dev.app.application_id)!.resource_server_id).toBeUndefined();
  });

  it('gets one on the next start when it was seeded without one', async () => {
    const dev = ensureDevTenant(cloud.deps, { dataDir: dir, appOrigin: ORIGIN });
    const { applications } = cloud.deps.repos;
    const { resource_server_id: _server, ...legacy } = applications.get(dev.realm_id, dev.management.application_id)!;
    applications.update(legacy, new Date());
    expect(applications.get(dev.realm_id, dev.management.application_id)!.resource_server_id).toBeUndefined();

    ensureDevTenant(cloud.deps, { dataDir: dir, appOrigin: ORIGIN });
    const repaired = applications.get(dev.realm_id, dev.management.application_id)!;
    expect(repaired.resource_server_id).toMatch(/^[0-9a-f]{16}$/);
    expect(repaired.client_secret_hash).toBe(legacy.client_secret_hash);
    expect(await mintAll(dev)).toEqual([...MANAGEMENT_SCOPES].sort());
    const events = cloud.deps.repos.audit.list(dev.tenant_id).filter((e) => e.resource_id === dev.management.application_id && e.action === 'application.update');
    expect(events).toHaveLength(1);
    // Started again, it is left as it is.
    ensureDevTenant(cloud.deps, { dataDir: dir, appOrigin: ORIGIN });
    expect(applications.get(dev.realm_id, dev.management.application_id)!.resource_server_id).toBe(repaired.resource_server_id);
  });
});
