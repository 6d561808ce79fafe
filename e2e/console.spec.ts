import { expect, test } from '@playwright/test';
import { SignInPage } from './pages/app-pages';
import { BindPage } from './pages/bind-page';
import { ConsolePage } from './pages/console-pages';
import { CloudApi } from './support/cloud-api';
import { waitForEmail } from './support/inbox';

// The seed's first path, "Bind Passkey with Admin Console", end to end: the
// console in one browser, the person in another, real SMTP, the real SDK.

const unique = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 8)}`;

test('an admin adds a passkey by email; the person binds it; the console follows live; a console revocation stops sign-in', async ({ page, browser }) => {
  const cloud = new CloudApi();
  const admin = cloud.tenant.console!;
  const consolePage = new ConsolePage(page);
  const username = unique('dee');
  const email = `${username}@example.com`;

  await test.step('sign in to the console and create an identity', async () => {
    await consolePage.signIn(admin.username, admin.password);
    await consolePage.createIdentity({ username, displayName: 'Dee Example', email });
  });

  const state = await test.step('Add a passkey → the application → Proceed & send email', async () => {
    const status = await consolePage.addPasskeyByEmail();
    await expect(status).toContainText('LINK_SENT');
    return status;
  });

  const link = await test.step('the message arrives over SMTP', async () => (await waitForEmail(email)).links[0]!);

  const person = await browser.newContext();
  const personPage = await person.newPage();
  await test.step('in a fresh browser, the person opens the link, sees /bind, and clicks', async () => {
    const bind = new BindPage(personPage);
    await bind.open(link);
    await expect(state).toContainText('LINK_OPENED');
    await bind.expectPreviewFor(username);
    await bind.create();
    await bind.expectSuccessFor(username);
  });

  await test.step('back in the console, without a reload: COMPLETE and an ACTIVE credential', async () => {
    await expect(state).toContainText('COMPLETE');
    await page.getByRole('button', { name: 'Close', exact: true }).click();
    await expect(consolePage.credentialStates()).toHaveText(['ACTIVE']);
  });

  await test.step('revoke it from the console; the next sign-in with that passkey is refused', async () => {
    await page.getByRole('region', { name: 'Passkeys (credentials)' }).getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
    await expect(consolePage.credentialStates()).toHaveText(['REVOKED']);

    const signIn = new SignInPage(personPage);
    await signIn.startFromHome();
    await signIn.signInButton.click();
    await expect(signIn.failure('This passkey can no longer sign you in')).toBeVisible();
  });
  await person.close();
});

test('batch emails reach every selected identity', async ({ page }) => {
  const cloud = new CloudApi();
  const admin = cloud.tenant.console!;
  const people = [await cloud.createIdentity('batch'), await cloud.createIdentity('batch')];
  const consolePage = new ConsolePage(page);
  await consolePage.signIn(admin.username, admin.password);
  await page.goto(consolePage.url('/identities?q=batch-'));
  for (const person of people) await page.getByRole('checkbox', { name: `Select ${person.username}` }).check();
  await page.getByRole('button', { name: 'Send passkey emails' }).click();
  await expect(page).toHaveURL(/\/console\/batch\/[0-9a-f]{16}$/);
  for (const person of people) {
    const message = await waitForEmail(person.email);
    expect(message.links[0]).toContain(':invokeAuthenticator?token=');
    await expect(page.getByRole('row', { name: new RegExp(person.username) })).toBeVisible();
  }
});
