import { expect, test } from '@playwright/test';
import { BindPage } from './pages/bind-page';
import { expireBindingJob } from './support/cloud-db';
import { CloudApi } from './support/cloud-api';
import { waitForEmail } from './support/inbox';

/** An EMAIL binding job for a new identity, and the link from its message. */
async function emailedLink(cloud: CloudApi, prefix: string) {
  const identity = await cloud.createIdentity(prefix);
  const { credential_binding_job: job } = await cloud.createBindingJob(identity.id, 'EMAIL');
  const message = await waitForEmail(identity.email);
  return { identity, job, link: message.links[0]! };
}

test('an expired link says so and offers a new one', async ({ page }) => {
  const cloud = new CloudApi();
  const { job, link } = await emailedLink(cloud, 'expired');
  expireBindingJob(job.id);
  const bind = new BindPage(page);
  await bind.open(link);
  await expect(bind.failure('This link has expired')).toBeVisible();
  await expect(page.getByText('Binding links only work for a limited time.')).toBeVisible();
  await expect(bind.createButton).toHaveCount(0);
});

test('a revoked link says so', async ({ page }) => {
  const cloud = new CloudApi();
  const { identity, job, link } = await emailedLink(cloud, 'revoked');
  await cloud.call('POST', `${cloud.realmUrl}/identities/${identity.id}/credential-binding-jobs/${job.id}:revoke`, {});
  const bind = new BindPage(page);
  await bind.open(link);
  await expect(bind.failure('This link was revoked')).toBeVisible();
  await expect(bind.createButton).toHaveCount(0);
});

test('a preview consumes nothing; only the click binds, and a used link then says so', async ({ page, browser }) => {
  const cloud = new CloudApi();
  const { identity, job, link } = await emailedLink(cloud, 'preview');
  const bind = new BindPage(page);

  await test.step('open the link and look at the preview, twice, without clicking', async () => {
    await bind.open(link);
    await bind.expectPreviewFor(identity.username);
    await page.reload();
    await bind.expectPreviewFor(identity.username);
    expect((await cloud.getBindingJob(identity.id, job.id)).state).toBe('LINK_OPENED');
    expect((await cloud.listCredentials(identity.id)).total_size).toBe(0);
  });

  await test.step('click "Create passkey": the passkey is bound', async () => {
    await bind.create();
    await bind.expectSuccessFor(identity.username);
    expect((await cloud.getBindingJob(identity.id, job.id)).state).toBe('COMPLETE');
    expect((await cloud.listCredentials(identity.id)).credentials.map((c) => c.state)).toEqual(['ACTIVE']);
  });

  await test.step('the same link, opened again elsewhere, says it was used', async () => {
    const other = await browser.newContext();
    const otherBind = new BindPage(await other.newPage());
    await otherBind.open(link);
    await expect(otherBind.failure('This link was already used')).toBeVisible();
    await other.close();
  });
});

test('a /bind URL that is not a binding link says so', async ({ page }) => {
  const bind = new BindPage(page);
  await page.goto('/bind?token=abc&job_id=1');
  await expect(bind.failure('This is not a binding link')).toBeVisible();
});
