import { expect, test, type Browser, type Page } from '@playwright/test';
import { AccountHome, EmailLinkPage, SignInPage, SignupPage } from './pages/app-pages';
import { BindPage } from './pages/bind-page';
import { ConsolePage } from './pages/console-pages';
import { expectAccessible } from './support/a11y';
import { expireBindingJob } from './support/cloud-db';
import { CloudApi } from './support/cloud-api';
import { e2eEnv } from './support/e2e-env';
import { waitForEmail } from './support/inbox';

// Issue 7: axe-core (WCAG 2.0/2.1 A and AA) on every page of the app and the Admin Console, in
// each state that matters, against the real running system. Any serious or critical violation
// fails; see support/a11y.ts.

// Each test walks through many states, and every scan takes a moment (axe runs in the page,
// then finishes in a blank one): more time than the default 30 s per test.
test.describe.configure({ timeout: 60_000 });

const unique = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 8)}`;

/** An EMAIL binding job (no post-binding redirect) for a new identity, and the link from its message. */
async function emailedLink(cloud: CloudApi, prefix: string) {
  const identity = await cloud.createIdentity(prefix);
  const { credential_binding_job: job } = await cloud.createBindingJob(identity.id, 'EMAIL');
  const message = await waitForEmail(identity.email);
  return { identity, job, link: message.links[0]! };
}

/**
 * Slows the page's network (Chromium's own emulation: every request still
 * reaches the real cloud unchanged, just later), so the /bind progress state
 * lasts long enough to be scanned. Returns the function that restores it.
 */
async function slowNetwork(page: Page, latencyMs: number): Promise<() => Promise<void>> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  const set = (latency: number) =>
    cdp.send('Network.emulateNetworkConditions', { offline: false, latency, downloadThroughput: -1, uploadThroughput: -1 });
  await set(latencyMs);
  return async () => {
    await set(0);
    await cdp.detach();
  };
}

/**
 * Cuts the page off from URLs matching `patterns`, as a firewall or a dropped connection would:
 * Chromium's own request blocking, so each request fails at the network and nothing answers in
 * the cloud's or the app's place. Returns the function that restores the network.
 */
async function blockUrls(page: Page, patterns: string[]): Promise<() => Promise<void>> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setBlockedURLs', { urls: patterns });
  return async () => {
    await cdp.send('Network.setBlockedURLs', { urls: [] });
    await cdp.detach();
  };
}

/** A page in a new browser without IndexedDB (as some private modes are): it cannot keep a passkey. */
async function pageWithoutIndexedDb(browser: Browser): Promise<Page> {
  const context = await browser.newContext();
  await context.addInitScript(() => Object.defineProperty(window, 'indexedDB', { value: undefined, configurable: true }));
  return context.newPage();
}

/** The SDK's file, wherever the build put it. */
const SDK_FILE = '*/assets/bi-embedded-*';
/** The code of the app's /email-link page, and of the console's Applications page. */
const EMAIL_LINK_CHUNK = '*/assets/email-link-*';
const APPLICATIONS_CHUNK = '*/assets/applications-*';
/** What a gateway in front of the app backend answers while the backend is down or restarting. */
const BAD_GATEWAY = { status: 502, contentType: 'text/html', body: '<html><body><h1>502 Bad Gateway</h1></body></html>' };

test('the scan itself fails on a page with serious violations', async ({ page }) => {
  // An image without a text alternative (critical) and a button without a name (critical):
  // expectAccessible must fail here, or every scan above could pass whatever the pages hold.
  await page.setContent('<!doctype html><html lang="en"><title>t</title><main><img src="/favicon.svg"><button></button></main></html>');
  const failed = await expectAccessible(page, 'a page built to fail').then(
    () => undefined,
    (error: unknown) => String(error),
  );
  expect(failed).toContain('image-alt');
  expect(failed).toContain('button-name');
});

test.describe('the app', () => {
  test('home, sign-up, email link and the link-less pages, signed out; a page whose code did not load', async ({ page }) => {
    await page.goto('/');
    await expect(page.getByRole('heading', { name: 'Get started' })).toBeVisible();
    await expect(page.getByRole('region', { name: 'Status' }).getByRole('status')).toContainText('Connected.');
    await expectAccessible(page, 'home, signed out');

    // A page whose code no longer loads (a deploy replaced its chunk): the app's route error.
    // Before /email-link's code was ever fetched in this browser, so nothing serves it from cache.
    const restoreChunk = await blockUrls(page, [EMAIL_LINK_CHUNK]);
    await page.getByRole('link', { name: /email me a link/ }).click();
    await expect(page.getByRole('alert').getByRole('heading', { level: 1, name: 'Something went wrong' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Retry' })).toBeVisible();
    await expectAccessible(page, 'app route error, a page whose code did not load');
    await restoreChunk();

    await page.goto('/?sign_in_error=denied');
    await expect(page.getByRole('alert').getByRole('heading', { name: 'Your passkey could not sign you in' })).toBeVisible();
    await expectAccessible(page, 'home with ?sign_in_error=denied');

    await page.goto('/signup');
    await expect(page.getByRole('heading', { level: 1, name: 'Create an account' })).toBeVisible();
    await expectAccessible(page, '/signup, empty');

    await page.getByRole('button', { name: 'Create account' }).click();
    await expect(page.getByLabel('Username')).toHaveAttribute('aria-invalid', 'true');
    await expectAccessible(page, '/signup, field errors');

    // A username that exists: the server's answer, on the field.
    const taken = await new CloudApi().createIdentity('taken');
    await new SignupPage(page).signUp({ username: taken.username, email: `${unique('other')}@example.com`, displayName: 'Someone Else' });
    await expect(page.getByText('That username is taken.')).toBeVisible();
    await expectAccessible(page, '/signup, username taken');

    await page.goto('/email-link');
    await expect(page.getByLabel('Username', { exact: true })).toBeVisible();
    await expectAccessible(page, '/email-link, form');
    await new EmailLinkPage(page).request(unique('nobody'));
    await expectAccessible(page, '/email-link, confirmation');

    await page.goto('/bind?token=abc&job_id=1');
    await expect(new BindPage(page).failure('This is not a binding link')).toBeVisible();
    await expectAccessible(page, '/bind, not a binding link');

    await page.goto('/bind');
    await expect(page.getByRole('heading', { level: 2, name: 'Sign in to add a passkey' })).toBeVisible();
    await expectAccessible(page, '/bind, signed out without a link');

    // This browser has no passkey: /bi-authenticate says so.
    const signIn = new SignInPage(page);
    await signIn.startFromHome();
    await expect(signIn.failure('There is no passkey for this site on this browser')).toBeVisible();
    await expectAccessible(page, '/bi-authenticate, no passkey here');
  });

  test('/bind ready, in progress, success; /bi-authenticate; /passkeys; home signed in; a refused passkey', async ({ page }) => {
    const cloud = new CloudApi();
    const username = unique('a11y');
    const bind = new BindPage(page);

    await new SignupPage(page).signUp({ username, email: `${username}@example.com`, displayName: 'Ada Lovelace' });
    await bind.expectPreviewFor(username);
    await expectAccessible(page, '/bind, ready');

    // In progress: a slow network keeps the SDK's calls in flight while the page is scanned.
    const restore = await slowNetwork(page, 4000);
    await bind.create();
    await expect(bind.progress).toHaveText(/Creating your key…|Registering with the cloud…/);
    await expect(bind.createButton).toBeDisabled();
    await expectAccessible(page, '/bind, in progress');
    await restore();
    await bind.expectSuccessFor(username);

    // Sign-up's link then takes the person to sign in with the new passkey.
    const signIn = new SignInPage(page);
    await expect(signIn.heading).toBeVisible({ timeout: 20_000 });
    await expect(signIn.passkey(username)).toBeChecked();
    await expectAccessible(page, '/bi-authenticate, choose a passkey');
    await signIn.signInButton.click();
    await expect(page).toHaveURL(/\/passkeys$/);

    const identity = (await cloud.call<{ identities: { id: string }[] }>('GET', `${cloud.realmUrl}/identities?filter=${encodeURIComponent(`username eq "${username}"`)}`)).identities[0]!;
    const credential = (await cloud.listCredentials(identity.id)).credentials[0]!;
    await expect(page.getByRole('button', { name: `Delete the passkey for ${username}` })).toBeVisible();
    await expect(page.getByRole('button', { name: `Revoke credential ${credential.id}` })).toBeVisible();
    await expectAccessible(page, '/passkeys, a local passkey and a cloud credential');

    await page.goto('/');
    await expect(page.getByText('Signed in as')).toContainText(username);
    await expectAccessible(page, 'home, signed in');

    // "A link for another device" asked for once too often: the backend's per-person limit (five
    // real emails in ten minutes) answers 429, and the page says when to try again.
    const sendLink = page.getByRole('button', { name: 'Send me a link for another device' });
    for (let sent = 0; sent < 6; sent++) {
      const answered = page.waitForResponse((response) => new URL(response.url()).pathname === '/api/me/email-link');
      await sendLink.click();
      expect((await answered).status()).toBe(sent < 5 ? 202 : 429);
    }
    await expect(page.getByRole('status').filter({ hasText: /Too many requests, try again in \d+ minutes?\./ })).toBeVisible();
    await expectAccessible(page, 'home, signed in, a link asked for too often');

    // Revoked in the cloud: the next sign-in is refused.
    await cloud.call('POST', `${cloud.realmUrl}/identities/${identity.id}/credentials/${credential.id}:revoke`, {});
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page.getByRole('heading', { name: 'Get started' })).toBeVisible();
    await signIn.startFromHome();
    await signIn.signInButton.click();
    await expect(signIn.failure('This passkey can no longer sign you in')).toBeVisible();
    await expectAccessible(page, '/bi-authenticate, denied');
  });

  test('/bind success from an emailed link, and the expired, used and revoked links', async ({ page, browser }) => {
    const cloud = new CloudApi();
    const bind = new BindPage(page);

    // An emailed link with no post-binding redirect: the success state stays on screen.
    const fresh = await emailedLink(cloud, 'a11y-ok');
    await bind.open(fresh.link);
    await bind.expectPreviewFor(fresh.identity.username);
    await expectAccessible(page, '/bind, ready (emailed link)');
    await bind.create();
    await bind.expectSuccessFor(fresh.identity.username);
    await expectAccessible(page, '/bind, success');

    const other = await browser.newContext();
    const otherPage = await other.newPage();
    const otherBind = new BindPage(otherPage);
    await otherBind.open(fresh.link);
    await expect(otherBind.failure('This link was already used')).toBeVisible();
    await expectAccessible(otherPage, '/bind, used');
    await other.close();

    const expired = await emailedLink(cloud, 'a11y-expired');
    expireBindingJob(expired.job.id);
    await bind.open(expired.link);
    await expect(bind.failure('This link has expired')).toBeVisible();
    await expectAccessible(page, '/bind, expired');

    const revoked = await emailedLink(cloud, 'a11y-revoked');
    await cloud.call('POST', `${cloud.realmUrl}/identities/${revoked.identity.id}/credential-binding-jobs/${revoked.job.id}:revoke`, {});
    await bind.open(revoked.link);
    await expect(bind.failure('This link was revoked')).toBeVisible();
    await expectAccessible(page, '/bind, revoked');
  });
  test('/bind when Beyond Identity, the app server or the SDK cannot be reached or fail, and in a browser without passkey storage', async ({ page, browser }) => {
    const cloud = new CloudApi();
    const bind = new BindPage(page);
    const cloudOrigin = new URL(e2eEnv().cloudUrl).origin;

    // Ready, then Beyond Identity drops off the network: the SDK's calls fail, the app server
    // (which still reaches the cloud) says the link is usable, so the cloud is named.
    const first = await emailedLink(cloud, 'a11y-offline');
    await bind.open(first.link);
    await bind.expectPreviewFor(first.identity.username);
    const restoreCloud = await blockUrls(page, [`${cloudOrigin}/*`]);
    await bind.create();
    await expect(bind.failure('Beyond Identity could not be reached')).toBeVisible({ timeout: 20_000 });
    await expect(page.getByRole('button', { name: 'Retry' })).toBeVisible();
    await expectAccessible(page, '/bind, Beyond Identity unreachable');
    await restoreCloud();

    // Both gone: the app server's own check after the failure gets no answer either.
    const restoreBoth = await blockUrls(page, [`${cloudOrigin}/*`, '*/api/*']);
    await page.getByRole('button', { name: 'Retry' }).click();
    await expect(bind.failure('Bindery’s server could not be reached')).toBeVisible({ timeout: 20_000 });
    await expectAccessible(page, '/bind, the app server unreachable');
    await restoreBoth();

    // The SDK's file never arrives: the passkey software did not start, Reload is the way out.
    const second = await emailedLink(cloud, 'a11y-nosdk');
    const noSdk = await browser.newContext();
    const noSdkPage = await noSdk.newPage();
    await blockUrls(noSdkPage, [SDK_FILE]);
    await new BindPage(noSdkPage).open(second.link);
    await expect(new BindPage(noSdkPage).failure('The passkey could not be created')).toBeVisible({ timeout: 20_000 });
    await expect(noSdkPage.getByRole('button', { name: 'Retry' })).toBeVisible();
    await expectAccessible(noSdkPage, '/bind, the SDK did not start');
    await noSdk.close();

    // A gateway in front of the app backend answers 502 (the backend restarting behind it): the
    // app's own answer, not the cloud's, is replaced, as a proxy would. The SDK and the cloud stay real.
    const gateway = await browser.newContext();
    const gatewayPage = await gateway.newPage();
    await gatewayPage.route('**/api/binding-link/preview', (route) => route.fulfill(BAD_GATEWAY));
    await new BindPage(gatewayPage).open(second.link);
    await expect(new BindPage(gatewayPage).failure('Something went wrong')).toBeVisible();
    await expect(gatewayPage.getByRole('alert')).toContainText('The server answered 502');
    await expect(gatewayPage.getByRole('button', { name: 'Retry' })).toBeVisible();
    await expectAccessible(gatewayPage, '/bind, the app server failed');
    await gateway.close();

    // A browser without IndexedDB: it cannot keep a passkey.
    const barePage = await pageWithoutIndexedDb(browser);
    await new BindPage(barePage).open(second.link);
    await expect(new BindPage(barePage).failure('This browser cannot store passkeys')).toBeVisible({ timeout: 20_000 });
    await expectAccessible(barePage, '/bind, browser without passkey storage');
    await barePage.context().close();
  });

  test('/bi-authenticate failures, /passkeys empty, the not-found page and every sign-in error on home', async ({ page, browser }) => {
    const username = unique('a11y-signin');
    const bind = new BindPage(page);
    const signIn = new SignInPage(page);
    const cloudOrigin = new URL(e2eEnv().cloudUrl).origin;

    await page.goto('/no-such-page');
    await expect(page.getByRole('heading', { level: 1, name: 'Page not found' })).toBeVisible();
    await expectAccessible(page, 'app not-found page');

    for (const error of ['expired', 'failed']) {
      await page.goto(`/?sign_in_error=${error}`);
      await expect(page.getByRole('alert').getByRole('heading', { level: 2 })).toBeVisible();
      await expectAccessible(page, `home with ?sign_in_error=${error}`);
    }

    await page.goto('/bi-authenticate?request=not-a-request');
    await expect(signIn.failure('This is not a sign-in link')).toBeVisible();
    await expectAccessible(page, '/bi-authenticate, not a sign-in link');

    // A new browser: /passkeys has none to show.
    await page.goto('/passkeys');
    await expect(page.getByText('No passkeys on this browser yet.')).toBeVisible();
    await expectAccessible(page, '/passkeys, none yet');

    await new SignupPage(page).signUp({ username, email: `${username}@example.com`, displayName: 'Grace Hopper' });
    await bind.expectPreviewFor(username);
    await bind.create();
    await expect(signIn.heading).toBeVisible({ timeout: 20_000 });
    await signIn.signInButton.click();
    await expect(page).toHaveURL(/\/passkeys$/);

    // A sign-in request used once, opened again.
    await new AccountHome(page).signOut();
    await signIn.startFromHome();
    const request = page.url();
    await signIn.signInButton.click();
    await expect(page).toHaveURL((url) => !url.pathname.startsWith('/bi-authenticate') && !url.pathname.startsWith('/auth/'));
    await page.goto(request);
    await expect(signIn.failure('This sign-in request cannot be used again')).toBeVisible({ timeout: 20_000 });
    await expectAccessible(page, '/bi-authenticate, request already used');

    // Beyond Identity drops off the network between the page and the click.
    await new AccountHome(page).signOut();
    await signIn.startFromHome();
    const restore = await blockUrls(page, [`${cloudOrigin}/*`]);
    await signIn.signInButton.click();
    await expect(signIn.failure('Beyond Identity could not be reached')).toBeVisible({ timeout: 20_000 });
    await expectAccessible(page, '/bi-authenticate, Beyond Identity unreachable');
    await restore();

    // A sign-in request past its `exp`, in this browser with its passkey: its clock two hours on
    // (the SDK checks `exp` against it; the cloud and the request are real). Last for this page.
    await page.context().clock.install({ time: Date.now() + 2 * 3600_000 });
    await signIn.startFromHome();
    await expect(signIn.failure('This sign-in request has expired')).toBeVisible({ timeout: 20_000 });
    await expectAccessible(page, '/bi-authenticate, request expired');

    // The SDK's file never arrives: a fresh request in a browser that cannot load it.
    const noSdk = await browser.newContext();
    const noSdkPage = await noSdk.newPage();
    await blockUrls(noSdkPage, [SDK_FILE]);
    const noSdkSignIn = new SignInPage(noSdkPage);
    await noSdkSignIn.startFromHome();
    await expect(noSdkSignIn.failure('Signing in did not work')).toBeVisible({ timeout: 20_000 });
    await expectAccessible(noSdkPage, '/bi-authenticate, the SDK did not start');
    await noSdk.close();
  });

  test('/bi-authenticate when the app server cannot be reached, and in a browser without passkey storage', async ({ page, browser }) => {
    // The app server does not give /bi-authenticate the settings the SDK needs to start
    // (`GET /api/config`; home has them already). A gateway's 502 there reads the same: the SDK
    // could not start, so the app's server is named. Then a browser without IndexedDB.
    const signIn = new SignInPage(page);
    await signIn.startFromHome({ beforeLeavingHome: () => blockUrls(page, ['*/api/config']) });
    await expect(signIn.failure('Bindery’s server could not be reached')).toBeVisible({ timeout: 20_000 });
    await expectAccessible(page, '/bi-authenticate, the app server unreachable');

    const barePage = await pageWithoutIndexedDb(browser);
    const bareSignIn = new SignInPage(barePage);
    await bareSignIn.startFromHome();
    await expect(bareSignIn.failure('This browser cannot store passkeys')).toBeVisible({ timeout: 20_000 });
    await expectAccessible(barePage, '/bi-authenticate, browser without passkey storage');
    await barePage.context().close();
  });
});

test.describe('the Admin Console', () => {
  test('sign-in, identities, identity detail and Add a passkey with its live state', async ({ page, browser }) => {
    const cloud = new CloudApi();
    const admin = cloud.tenant.console!;
    const consolePage = new ConsolePage(page);

    await page.goto(consolePage.url('/sign-in'));
    await expect(page.getByRole('heading', { level: 1, name: 'Bindery Console' })).toBeVisible();
    await expectAccessible(page, 'console sign-in');

    await page.getByLabel('Username').fill(admin.username);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert')).not.toBeEmpty();
    await expectAccessible(page, 'console sign-in, wrong password');

    const identity = await cloud.createIdentity('a11y-console');
    await consolePage.signIn(admin.username, admin.password);
    await expect(page.getByRole('table')).toBeVisible();
    await expectAccessible(page, 'console identities');

    await page.goto(consolePage.url(`/identities/${identity.id}`));
    await expect(page.getByRole('heading', { level: 1, name: /E2E a11y-console/ })).toBeVisible();
    await expect(page.getByRole('region', { name: 'Passkeys (credentials)' })).toBeVisible();
    await expectAccessible(page, 'console identity detail');

    await page.getByRole('button', { name: 'Add a passkey' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a passkey' });
    await expect(dialog.getByLabel('Application')).toBeVisible();
    await expectAccessible(page, 'console Add a passkey, choose');

    await dialog.getByLabel('Application').selectOption({ label: 'Bindery App' });
    await dialog.getByRole('button', { name: 'Generate curl for link from the API' }).click();
    await expect(dialog.getByLabel('curl command', { exact: true })).toBeVisible();
    await expectAccessible(page, 'console Add a passkey, curl');
    await dialog.getByRole('button', { name: 'Back' }).click();

    await dialog.getByRole('button', { name: 'Proceed & send email' }).click();
    const state = dialog.getByRole('status').filter({ hasText: /LINK_SENT|LINK_OPENED|COMPLETE/ });
    await expect(state).toContainText('LINK_SENT');
    await expectAccessible(page, 'console Add a passkey, LINK_SENT');

    // The person binds in another browser; the dialog follows live.
    const link = (await waitForEmail(identity.email)).links[0]!;
    const person = await browser.newContext();
    const bind = new BindPage(await person.newPage());
    await bind.open(link);
    await bind.expectPreviewFor(identity.username);
    await bind.create();
    await bind.expectSuccessFor(identity.username);
    await person.close();
    await expect(state).toContainText('COMPLETE');
    await expectAccessible(page, 'console Add a passkey, COMPLETE');

    await dialog.getByRole('button', { name: 'Close', exact: true }).click();
    await expect(consolePage.credentialStates()).toHaveText(['ACTIVE']);
    await expectAccessible(page, 'console identity detail, with a credential and a job');

    // An address the mail server refuses for good: the dialog follows the job to FAILED_TO_SEND.
    const unreachable = await cloud.createIdentity('a11y-bounce', 'undeliverable.invalid');
    await page.goto(consolePage.url(`/identities/${unreachable.id}`));
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    const bounce = page.getByRole('dialog', { name: 'Add a passkey' });
    await bounce.getByLabel('Application').selectOption({ label: 'Bindery App' });
    await bounce.getByRole('button', { name: 'Proceed & send email' }).click();
    await expect(bounce.getByRole('status').filter({ hasText: /LINK_SENT|FAILED_TO_SEND/ })).toContainText('FAILED_TO_SEND', { timeout: 20_000 });
    await expectAccessible(page, 'console Add a passkey, FAILED_TO_SEND');
  });

  test('applications, API tokens, theme, activity, batch results and a page whose code did not load', async ({ page }) => {
    const cloud = new CloudApi();
    const admin = cloud.tenant.console!;
    const consolePage = new ConsolePage(page);
    await consolePage.signIn(admin.username, admin.password);

    // A page whose code no longer loads (a deploy replaced its chunk): the console's route error,
    // inside its layout. Before the Applications page's code was ever fetched in this browser.
    const restoreChunk = await blockUrls(page, [APPLICATIONS_CHUNK]);
    await page.getByRole('link', { name: 'Applications' }).click();
    await expect(page.getByRole('alert').getByRole('heading', { level: 1, name: 'Something went wrong' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Retry' })).toBeVisible();
    await expectAccessible(page, 'console route error, a page whose code did not load');
    await restoreChunk();

    await page.goto(consolePage.url('/applications'));
    await expect(page.getByRole('heading', { level: 1, name: 'Applications' })).toBeVisible();
    await expect(page.getByText('Bindery App').first()).toBeVisible();
    await expectAccessible(page, 'console applications');
    for (const [button, label] of [['Create application', 'application'], ['Create authenticator config', 'authenticator config']] as const) {
      await page.getByRole('button', { name: button }).click();
      await expect(page.getByRole('dialog')).toBeVisible();
      await expectAccessible(page, `console applications, the ${label} dialog`);
      await page.keyboard.press('Escape');
      await expect(page.getByRole('dialog')).toHaveCount(0);
    }

    await page.goto(consolePage.url('/tokens'));
    await expect(page.getByRole('heading', { level: 1, name: 'API tokens' })).toBeVisible();
    await expect(page.getByRole('checkbox', { name: 'Select all' })).toBeVisible();
    await expectAccessible(page, 'console API tokens');
    await page.getByLabel('Name').fill('a11y check');
    await page.getByRole('checkbox', { name: 'Select all' }).check();
    await page.getByRole('button', { name: 'Create token' }).click();
    await expect(page.getByLabel('API token', { exact: true })).toBeVisible();
    await expectAccessible(page, 'console API tokens, new token shown once');
    await page.getByRole('button', { name: 'Revoke' }).first().click();
    const confirm = page.getByRole('dialog', { name: 'Revoke this API token?' });
    await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
    await expectAccessible(page, 'console API tokens, confirm revoke');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await expect(confirm).toHaveCount(0);

    await page.goto(consolePage.url('/theme'));
    await expect(page.getByRole('heading', { level: 1, name: 'Theme' })).toBeVisible();
    await expect(page.locator('.preview-subject strong')).toBeVisible();
    // The preview is a sandboxed iframe (no scripts), where axe cannot run: the page is scanned
    // without it, and the email it shows is scanned on its own below.
    const preview = page.getByTitle('Binding email preview');
    await expectAccessible(page, 'console theme', { exclude: ['iframe.email-preview'] });
    const previewUrl = new URL((await preview.getAttribute('src'))!, page.url()).href;
    await page.goto(previewUrl);
    await expectAccessible(page, 'console theme, the binding email preview');

    await page.goto(consolePage.url('/activity'));
    await expect(page.getByRole('heading', { level: 1, name: 'Activity' })).toBeVisible();
    await expect(page.getByRole('table')).toBeVisible();
    await page.getByText('Details', { exact: true }).first().click();
    await expect(page.locator('details[open] pre').first()).toBeVisible();
    await expectAccessible(page, 'console activity, with an event\'s details open');

    const prefix = unique('a11y-group');
    const people = [await cloud.createIdentity(prefix), await cloud.createIdentity(prefix)];
    await page.goto(consolePage.url(`/identities?q=${prefix}`));
    for (const person of people) await page.getByRole('checkbox', { name: `Select ${person.username}` }).check();
    await expectAccessible(page, 'console identities, two selected');
    await page.getByRole('button', { name: 'Send passkey emails' }).click();
    await expect(page).toHaveURL(/\/console\/batch\/[0-9a-f]{16}$/);
    for (const person of people) await expect(page.getByRole('row', { name: new RegExp(person.username) })).toBeVisible();
    await expectAccessible(page, 'console batch results');

    await page.goto(consolePage.url('/batch'));
    await expect(page.getByRole('heading', { level: 1, name: 'Batch passkey emails' })).toBeVisible();
    await expect(page.getByRole('region', { name: 'Started from this tab' }).getByRole('listitem')).toHaveCount(1);
    await expectAccessible(page, 'console batches');

    await page.goto(consolePage.url('/no-such-page'));
    await expect(page.getByRole('heading', { level: 1, name: 'Page not found' })).toBeVisible();
    await expectAccessible(page, 'console not-found page');
  });
});

test.describe('in dark mode', () => {
  test.use({ colorScheme: 'dark' });

  test('the app and the console keep their contrast', async ({ page }) => {
    await page.goto('/?sign_in_error=denied');
    await expect(page.getByRole('heading', { name: 'Get started' })).toBeVisible();
    await expect(page.getByRole('region', { name: 'Status' }).getByRole('status')).toContainText('Connected.');
    await expectAccessible(page, 'dark: home with ?sign_in_error=denied');

    await page.goto('/signup');
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect(page.getByLabel('Username')).toHaveAttribute('aria-invalid', 'true');
    await expectAccessible(page, 'dark: /signup, field errors');

    await page.goto('/bind?token=abc&job_id=1');
    await expect(new BindPage(page).failure('This is not a binding link')).toBeVisible();
    await expectAccessible(page, 'dark: /bind, not a binding link');

    const cloud = new CloudApi();
    const admin = cloud.tenant.console!;
    const consolePage = new ConsolePage(page);
    await page.goto(consolePage.url('/sign-in'));
    await page.getByLabel('Username').fill(admin.username);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert')).not.toBeEmpty();
    await expectAccessible(page, 'dark: console sign-in, wrong password');

    await consolePage.signIn(admin.username, admin.password);
    await page.goto(consolePage.url('/tokens'));
    await expect(page.getByRole('checkbox', { name: 'Select all' })).toBeVisible();
    await expectAccessible(page, 'dark: console API tokens');
  });
});
