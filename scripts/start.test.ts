import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startSystem, type RunningSystem } from './support/system';

const root = fileURLToPath(new URL('..', import.meta.url));
const dataDir = mkdtempSync(path.join(tmpdir(), 'bindery-smoke-'));
let system: RunningSystem | undefined;

afterAll(async () => {
  await system?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Smoke test: `npm start` on free ports with an empty DATA_DIR, driven over real sockets. */
describe('npm start', () => {
  it('seeds a dev tenant and serves a RETURN binding job over real sockets', async () => {
    // `npm start` builds the SPA first; Vitest's NODE_ENV=test would make that a
    // development build (React's dev bundle) in the dist/ that e2e and benchmarks use.
    system = await startSystem({ root, command: ['npm', 'start'], dataDir, env: { NODE_ENV: 'production' } });
    const tenant = system.tenant();
    expect(tenant.api_base_url).toBe(system.cloudUrl);
    expect(tenant.app.invoke_url).toBe(system.appUrl);
    expect(statSync(path.join(dataDir, 'dev-tenant.json')).mode & 0o777).toBe(0o600);
    expect(system.tail()).toContain(`App:         ${system.appUrl}`);

    // The console's admin: created on this first start, its password printed this once (and kept in the file).
    expect(tenant.console).toEqual({ url: `${system.cloudUrl}/console`, username: 'admin', password: expect.stringMatching(/^[\w-]{24}$/) });
    expect(system.tail()).toContain(
      `Console:     ${system.cloudUrl}/console  (user admin; password ${tenant.console!.password}, shown once, also in dev-tenant.json)`,
    );
    const signIn = await fetch(`${system.cloudUrl}/console/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: tenant.console!.password }),
    });
    expect(signIn.status).toBe(200);
    expect(signIn.headers.getSetCookie()[0]).toMatch(/^bindery_console=[\w-]{43}; Max-Age=43200; Path=\/console; HttpOnly; SameSite=Strict$/);

    // A fresh token from the client credentials, as a backend would get one.
    const realm = `${tenant.api_base_url}/v1/tenants/${tenant.tenant_id}/realms/${tenant.realm_id}`;
    const tokenResponse = await fetch(`${tenant.auth_base_url}/v1/tenants/${tenant.tenant_id}/realms/${tenant.realm_id}/applications/${tenant.management.application_id}/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${tenant.management.client_id}:${tenant.management.client_secret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials&scope=identities:create%20credential-binding-jobs:create%20credential-binding-jobs:read',
    });
    expect(tokenResponse.status).toBe(200);
    const { access_token } = (await tokenResponse.json()) as { access_token: string };
    const headers = { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' };

    const identity = await fetch(`${realm}/identities`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ identity: { display_name: 'Smoke', traits: { type: 'traits_v0', username: 'smoke', primary_email_address: 'smoke@example.com' } } }),
    });
    expect(identity.status).toBe(200);
    const { id: identityId } = (await identity.json()) as { id: string };

    const job = await fetch(`${realm}/identities/${identityId}/credential-binding-jobs`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ job: { delivery_method: 'RETURN', authenticator_config_id: tenant.app.authenticator_config_id } }),
    });
    expect(job.status).toBe(200);
    const created = (await job.json()) as { credential_binding_job: { id: string; state: string }; credential_binding_link: string };
    expect(created.credential_binding_job.state).toBe('LINK_SENT');
    expect(created.credential_binding_link).toMatch(
      new RegExp(`^${realm}/identities/${identityId}/credential-binding-jobs/${created.credential_binding_job.id}:invokeAuthenticator\\?token=[\\w-]{43,}$`),
    );

    const read = await fetch(`${realm}/identities/${identityId}/credential-binding-jobs/${created.credential_binding_job.id}`, { headers });
    expect(((await read.json()) as { state: string }).state).toBe('LINK_SENT');

    // The signing keys come over real TLS, from a certificate for localhost under the local CA.
    const ca = readFileSync(path.join(dataDir, 'tls', 'ca.pem'), 'utf8');
    const issuerPath = `/v1/tenants/${tenant.tenant_id}/realms/${tenant.realm_id}/applications/${tenant.app.application_id}`;
    const jwks = await httpsJson(`${system.cloudTlsUrl}${issuerPath}/.well-known/jwks.json`, ca);
    expect(jwks.status).toBe(200);
    expect((jwks.body as { keys: { kid: string }[] }).keys.length).toBeGreaterThan(0);
    await expect(httpsJson(`${system.cloudTlsUrl}${issuerPath}/.well-known/jwks.json`, undefined)).rejects.toThrow(/self-signed|unable to verify|certificate/i);

    // The app serves the SPA and its health.
    const page = await fetch(`${system.appUrl}/some/client/route`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');

    const stopped = await system.stop();
    expect(stopped.forced).toBe(false);
    expect(system.tail()).toMatch(/SIGTERM: shutting down/);
    system = undefined;
  }, 180_000);

  it('reuses the data on a second start', async () => {
    const before = JSON.parse((await import('node:fs')).readFileSync(path.join(dataDir, 'dev-tenant.json'), 'utf8')) as {
      tenant_id: string;
      management: { api_token: string };
      console: { password: string };
    };
    const logBefore = statSync(path.join(dataDir, 'system.log')).size;
    system = await startSystem({ root, command: ['npx', 'tsx', 'scripts/start.ts'], dataDir });
    const tenant = system.tenant();
    expect(tenant.tenant_id).toBe(before.tenant_id);
    expect(tenant.management.api_token).toBe(before.management.api_token);
    // The same admin password, not printed again.
    expect(tenant.console!.password).toBe(before.console.password);
    const output = await waitForBanner(system.logPath, logBefore);
    expect(output).toContain(`Console:     ${system.cloudUrl}/console  (user admin; password in dev-tenant.json)`);
    expect(output).not.toContain(before.console.password);
    const realm = `${tenant.api_base_url}/v1/tenants/${tenant.tenant_id}/realms/${tenant.realm_id}`;
    const list = await fetch(`${realm}/identities?filter=${encodeURIComponent('username eq "smoke"')}`, {
      headers: { authorization: `Bearer ${tenant.management.api_token}` },
    });
    expect(((await list.json()) as { total_size: number }).total_size).toBe(1);
  }, 120_000);
});

/** The system's output after byte `offset` of its log, once the start banner is in it. */
async function waitForBanner(logPath: string, offset: number): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const output = readFileSync(logPath).subarray(offset).toString('utf8');
    if (output.includes('Press Ctrl-C to stop.')) return output;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('no start banner in the log');
}

/** GET over https trusting only `ca` (Node's default store when undefined). */
function httpsJson(url: string, ca: string | undefined): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    get(url, ca ? { ca } : {}, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }));
    }).on('error', reject);
  });
}
