import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../lib/logger';
import { buildCloud } from './app';
import { MANAGEMENT_SCOPES } from './auth/scopes';
import { openDb } from './db/open';
import type { CloudConfig } from './deps';
import { ensureDevTenant } from './seed';
import { assertConforms } from './test/conformance';

const ORIGIN = 'http://localhost:3000';
const config: CloudConfig = {
  apiBaseUrl: 'http://localhost:8787',
  authBaseUrl: 'http://localhost:8788',
  bindingTokenTtlSeconds: 7 * 24 * 3600,
  maxBodyBytes: 256 * 1024,
  jwksBaseUrl: 'https://localhost:8788',
};

let dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'bindery-seed-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

let offsetMs = 0;
let cloud: ReturnType<typeof buildCloud>;
beforeEach(() => {
  offsetMs = 0;
  cloud = buildCloud({
    db: openDb(':memory:'),
    config,
    log: createLogger({}, { level: 'silent' }),
    clock: () => new Date(Date.now() + offsetMs),
  });
});

/** A management call on the cloud under test, checked against the spec. */
async function call(method: string, path: string, token: string) {
  const res = await cloud.app.request(path, { method, headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  const body = text ? JSON.parse(text) : undefined;
  assertConforms(method, path, res.status, body);
  return { status: res.status, body };
}

describe('ensureDevTenant', () => {
  it('seeds the tenant once and writes dev-tenant.json (0600) with everything needed to drive it', async () => {
    const dir = tempDir();
    const dev = ensureDevTenant(cloud.deps, { dataDir: dir, appOrigin: ORIGIN });
    const file = join(dir, 'dev-tenant.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(dev);
    expect(Object.keys(dev).sort()).toEqual(['api_base_url', 'app', 'auth_base_url', 'console', 'management', 'realm_id', 'tenant_id']);
    expect(Object.keys(dev.management).sort()).toEqual(['api_token', 'application_id', 'client_id', 'client_secret']);
    expect(Object.keys(dev.app).sort()).toEqual(['application_id', 'authenticator_config_id', 'client_id', 'client_secret', 'invoke_url']);
    expect(dev).toMatchObject({ api_base_url: 'http://localhost:8787', auth_base_url: 'http://localhost:8788', app: { invoke_url: ORIGIN } });
    for (const id of [dev.tenant_id, dev.realm_id, dev.management.application_id, dev.app.application_id, dev.app.authenticator_config_id]) {
      expect(id).toMatch(/^[0-9a-f]{16}$/);
    }

    const tenant = await call('GET', `/v1/tenants/${dev.tenant_id}`, dev.management.api_token);
    expect(tenant.status).toBe(200);
    expect(tenant.body.id).toBe(dev.tenant_id);

    const minted = await cloud.app.request(
      `/v1/tenants/${dev.tenant_id}/realms/${dev.realm_id}/applications/${dev.management.application_id}/token`,
      {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${dev.management.client_id}:${dev.management.client_secret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: 'grant_type=client_credentials',
      },
    );
    expect(minted.status).toBe(200);
    const grant = (await minted.json()) as { access_token: string; scope: string };
    expect(grant.scope.split(' ').sort()).toEqual([...MANAGEMENT_SCOPES].sort());
    expect((await call('GET', `/v1/tenants/${dev.tenant_id}`, grant.access_token)).status).toBe(200);

    const realm = `/v1/tenants/${dev.tenant_id}/realms/${dev.realm_id}`;
    const cfg = await call('GET', `${realm}/authenticator-configs/${dev.app.authenticator_config_id}`, dev.management.api_token);
    expect(cfg.status).toBe(200);
    expect(cfg.body.config).toMatchObject({ type: 'embedded', invoke_url: ORIGIN });
    expect(cfg.body.config.trusted_origins).toContain(ORIGIN);
  });

  it('reuses the tenant and token on later starts, re-minting a revoked or expiring token', async () => {
    const dir = tempDir();
    const first = ensureDevTenant(cloud.deps, { dataDir: dir, appOrigin: ORIGIN });
    chmodSync(join(dir, 'dev-tenant.json'), 0o644);
    const second = ensureDevTenant(cloud.deps, { dataDir: dir, appOrigin: ORIGIN });
    expect(second).toEqual(first);
    expect(statSync(join(dir, 'dev-tenant.json')).mode & 0o777).toBe(0o600);
    expect(cloud.deps.db.prepare('SELECT count(*) FROM tenants').pluck().get()).toBe(1);

    const realm = `/v1/tenants/${first.tenant_id}/realms/${first.realm_id}`;
    const tokenId = cloud.deps.repos.tokens.findByToken(first.management.api_token)!.id;
    expect((await call('DELETE', `${realm}/applications/${first.management.application_id}/tokens/${tokenId}`, first.management.api_token)).status).toBe(200);
    expect((await call('GET', `/v1/tenants/${first.tenant_id}`, first.management.api_token)).status).toBe(401);

    const third = ensureDevTenant(cloud.deps, { dataDir: dir, appOrigin: ORIGIN });
    expect(third.management.api_token).not.toBe(first.management.api_token);
    expect({ ...third, management: { ...third.management, api_token: 'x' } }).toEqual({ ...first, management: { ...first.management, api_token: 'x' } });
    expect((await call('GET', `/v1/tenants/${third.tenant_id}`, third.management.api_token)).status).toBe(200);
    expect(JSON.parse(readFileSync(join(dir, 'dev-tenant.json'), 'utf8')).management.api_token).toBe(third.management.api_token);

    // 90-day token: with less than a day left it is replaced on start.
    offsetMs = 89.5 * 24 * 3600 * 1000;
    const fourth = ensureDevTenant(cloud.deps, { dataDir: dir, appOrigin: ORIGIN });
    expect(fourth.management.api_token).not.toBe(third.management.api_token);
    expect((await call('GET', `/v1/tenants/${fourth.tenant_id}`, fourth.management.api_token)).status).toBe(200);
  });

  it("follows a changed app origin in the authenticator config's invoke_url and trusted_origins", async () => {
    const dir = tempDir();
    const first = ensureDevTenant(cloud.deps, { dataDir: dir, appOrigin: ORIGIN });
    const moved = ensureDevTenant(cloud.deps, { dataDir: dir, appOrigin: 'http://localhost:4000' });
    expect(moved.app.invoke_url).toBe('http://localhost:4000');
    expect(moved.app.authenticator_config_id).toBe(first.app.authenticator_config_id);
    const realm = `/v1/tenants/${first.tenant_id}/realms/${first.realm_id}`;
    const cfg = await call('GET', `${realm}/authenticator-configs/${first.app.authenticator_config_id}`, moved.management.api_token);
    expect(cfg.body.config).toMatchObject({ type: 'embedded', invoke_url: 'http://localhost:4000', trusted_origins: ['http://localhost:4000'] });
    const app = await call('GET', `${realm}/applications/${first.app.application_id}`, moved.management.api_token);
    expect(app.body.protocol_config.redirect_uris).toEqual(['http://localhost:4000/auth/callback']);
    expect(JSON.parse(readFileSync(join(dir, 'dev-tenant.json'), 'utf8')).app.invoke_url).toBe('http://localhost:4000');
  });

  it('refuses, with a clear error, a database with data but no dev-tenant.json, a corrupt file, or a file of another database', () => {
    const dir = tempDir();
    ensureDevTenant(cloud.deps, { dataDir: dir, appOrigin: ORIGIN });
    const empty = tempDir();
    expect(() => ensureDevTenant(cloud.deps, { dataDir: empty, appOrigin: ORIGIN })).toThrow(
      /dev-tenant\.json does not match the database.*cannot be recovered.*Delete/s,
    );

    writeFileSync(join(empty, 'dev-tenant.json'), '{"tenant_id": ');
    expect(() => ensureDevTenant(cloud.deps, { dataDir: empty, appOrigin: ORIGIN })).toThrow(
      `${join(empty, 'dev-tenant.json')} is not a valid dev-tenant.json`,
    );

    const fresh = buildCloud({ db: openDb(':memory:'), config, log: createLogger({}, { level: 'silent' }) });
    expect(() => ensureDevTenant(fresh.deps, { dataDir: dir, appOrigin: ORIGIN })).toThrow(/does not match the database/);
  });
});
