import { expect, test } from '@playwright/test';
import { calculateJwkThumbprint } from 'jose';
import { SdkPage } from './pages/sdk-page';
import { CloudApi } from './support/cloud-api';
import { e2eEnv } from './support/e2e-env';
import { waitForEmail } from './support/inbox';

// The real SDK against the real local cloud, over real sockets, in Chromium:
// the cloud's side of the binding protocol (bi-protocol.md).

// These tests inject the npm SDK bundle into an app page as an inline script,
// which the app's Content Security Policy rightly forbids; the app's own pages
// load the SDK as a same-origin chunk and are tested under CSP in the app specs.
test.use({ bypassCSP: true });

test('a RETURN binding link binds a passkey with the real SDK', async ({ page }) => {
  const cloud = new CloudApi();
  const sdk = new SdkPage(page);
  const identity = await cloud.createIdentity('return');
  const created = await cloud.createBindingJob(identity.id, 'RETURN');

  await test.step('load the SDK on a page of a trusted origin', async () => {
    await page.goto('/');
    await sdk.load();
    expect(await sdk.getPasskeys()).toEqual([]);
  });

  const result = await test.step('bind with the RETURN link', () => sdk.bindPasskey(created.credential_binding_link!));

  await test.step('the browser lists the passkey with the identity', async () => {
    const passkeys = await sdk.getPasskeys();
    expect(passkeys).toHaveLength(1);
    expect(passkeys[0]!.identity.username).toBe(identity.username);
    expect(passkeys[0]!.identity.id).toBe(identity.id);
    expect(result.passkey.identity.username).toBe(identity.username);
  });

  await test.step('the cloud holds the same key as an ACTIVE credential, and the job is COMPLETE', async () => {
    const { credentials } = await cloud.listCredentials(identity.id);
    expect(credentials).toHaveLength(1);
    const thumbprint = await calculateJwkThumbprint(sdk.lastBoundJwk() as never, 'sha256');
    expect(credentials[0]).toMatchObject({ state: 'ACTIVE', jwk_thumbprint: thumbprint, id: result.passkey.passkeyId });
    const job = await cloud.getBindingJob(identity.id, created.credential_binding_job.id);
    expect(job).toMatchObject({ state: 'COMPLETE', credential_id: credentials[0]!.id });
  });
});

test('an EMAIL binding link arrives over SMTP, redirects to /bind and binds with the real SDK', async ({ page }) => {
  const cloud = new CloudApi();
  const sdk = new SdkPage(page);
  const identity = await cloud.createIdentity('email');
  const created = await cloud.createBindingJob(identity.id, 'EMAIL');
  expect(created.credential_binding_link).toBeUndefined();

  const message = await test.step('the message arrives in the SMTP capture', () => waitForEmail(identity.email));
  const link = message.links[0]!;
  expect(link).toContain(`/credential-binding-jobs/${created.credential_binding_job.id}:invokeAuthenticator?token=`);

  const bindUrl = await test.step('opening the link redirects to {invoke_url}/bind and marks LINK_OPENED', async () => {
    await page.goto(link);
    const url = new URL(page.url());
    expect(url.origin).toBe(e2eEnv().appUrl);
    expect(url.pathname).toBe('/bind');
    expect([...url.searchParams.keys()].sort()).toEqual(['api_base_url', 'identity_id', 'job_id', 'realm_id', 'tenant_id', 'token']);
    expect((await cloud.getBindingJob(identity.id, created.credential_binding_job.id)).state).toBe('LINK_OPENED');
    return url;
  });

  await test.step('the /bind query, turned into the :invokeAuthenticator link, binds', async () => {
    // bi-protocol.md: the SDK only takes the /bind?api_base_url= form with an
    // https api_base_url, so for this http cloud the page rebuilds the link.
    const q = bindUrl.searchParams;
    const invoke = `${q.get('api_base_url')}/v1/tenants/${q.get('tenant_id')}/realms/${q.get('realm_id')}/identities/${q.get('identity_id')}/credential-binding-jobs/${q.get('job_id')}:invokeAuthenticator?token=${q.get('token')}`;
    await sdk.load();
    const result = await sdk.bindPasskey(invoke);
    expect(result.passkey.identity.username).toBe(identity.username);
  });

  await test.step('the job is COMPLETE with an ACTIVE credential', async () => {
    const { credentials } = await cloud.listCredentials(identity.id);
    expect(credentials.map((c) => c.state)).toEqual(['ACTIVE']);
    expect((await cloud.getBindingJob(identity.id, created.credential_binding_job.id)).state).toBe('COMPLETE');
  });
});

test('the browser trusts the local cloud’s signing-key endpoint with strict TLS', async ({ page }) => {
  const cloud = new CloudApi();
  const issuer = `/v1/tenants/${cloud.tenant.tenant_id}/realms/${cloud.tenant.realm_id}/applications/${cloud.tenant.app.application_id}`;
  // No ignoreHTTPSErrors anywhere: this loads only because the browser's NSS database trusts the run's CA.
  const response = await page.goto(`${e2eEnv().cloudTlsUrl}${issuer}/.well-known/jwks.json`);
  expect(response?.status()).toBe(200);
  expect(JSON.parse(await page.locator('body').innerText()).keys.length).toBeGreaterThan(0);
});
