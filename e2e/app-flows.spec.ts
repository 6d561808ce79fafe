import { expect, test, type Page } from '@playwright/test';
import { AccountHome, EmailLinkPage, PasskeysPage, SignInPage, SignupPage } from './pages/app-pages';
import { BindPage } from './pages/bind-page';
import { CloudApi } from './support/cloud-api';
import { waitForEmail } from './support/inbox';
import { expectShippedSdk, isSdkFile } from './support/shipped-sdk';

// The app end to end, on the production build, in Chromium, with the real SDK,
// the real local cloud (strict TLS for its signing keys) and real SMTP capture.

const unique = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 8)}`;

/** Every URL the page visits and every Referer it sends, to prove a secret never shows up there. */
function watchUrls(page: Page): string[] {
  const seen: string[] = [];
  page.on('framenavigated', (frame) => seen.push(frame.url()));
  page.on('request', (request) => {
    const referer = request.headers().referer;
    if (referer) seen.push(referer);
  });
  return seen;
}

/** Signs in with the one passkey of `username` on this browser; ends on `/passkeys` or `/`. */
async function signInWithPasskey(page: Page, username: string): Promise<void> {
  const signIn = new SignInPage(page);
  await signIn.startFromHome();
  await expect(signIn.passkey(username)).toBeChecked();
  await signIn.signInButton.click();
  await expect(page).toHaveURL((url) => !url.pathname.startsWith('/bi-authenticate') && !url.pathname.startsWith('/auth/'));
}

test('sign up, bind with a click, sign in with the new passkey, and see it on /passkeys and in the cloud', async ({ page }) => {
  const cloud = new CloudApi();
  const username = unique('ann');
  const urls = watchUrls(page);
  const bind = new BindPage(page);

  const returnToken = await test.step('sign up: the RETURN link goes to /bind in memory only', async () => {
    const signupResponse = page.waitForResponse((r) => r.url().endsWith('/api/signup'));
    await new SignupPage(page).signUp({ username, email: `${username}@example.com`, displayName: 'Ann Example' });
    const body = (await (await signupResponse).json()) as { binding: { link: string } };
    await expect(page).toHaveURL(/\/bind$/);
    return new URL(body.binding.link).searchParams.get('token')!;
  });

  await test.step('the preview names the person; nothing is bound before the click', async () => {
    await bind.expectPreviewFor(username);
    const identity = (await cloud.call<{ identities: { id: string }[] }>('GET', `${cloud.realmUrl}/identities?filter=${encodeURIComponent(`username eq "${username}"`)}`)).identities[0]!;
    expect((await cloud.listCredentials(identity.id)).total_size).toBe(0);
  });

  await test.step('click "Create passkey": bound, then the post-binding redirect signs in with it', async () => {
    await bind.create();
    await bind.expectSuccessFor(username);
    // post_binding_redirect_uri = /auth/login?return_to=/passkeys, honoured by the page.
    const signIn = new SignInPage(page);
    await expect(signIn.heading).toBeVisible({ timeout: 20_000 });
    await expect(signIn.passkey(username)).toBeChecked();
    await signIn.signInButton.click();
    await expect(page).toHaveURL(/\/passkeys$/);
  });

  await test.step('/passkeys lists the passkey on this browser and its ACTIVE cloud credential', async () => {
    const passkeys = new PasskeysPage(page);
    await expect(passkeys.localPasskey(username)).toBeVisible();
    const identity = (await cloud.call<{ identities: { id: string }[] }>('GET', `${cloud.realmUrl}/identities?filter=${encodeURIComponent(`username eq "${username}"`)}`)).identities[0]!;
    const { credentials } = await cloud.listCredentials(identity.id);
    expect(credentials.map((c) => c.state)).toEqual(['ACTIVE']);
    await expect(passkeys.credential(credentials[0]!.id)).toBeVisible();
    await expect(page.getByText('On this browser').first()).toBeVisible();
  });

  await test.step('the RETURN token never appeared in the address bar, history or a Referer', async () => {
    expect(urls.filter((u) => u.includes(returnToken))).toEqual([]);
    expect(page.url()).not.toContain(returnToken);
  });
});

test('sign out and sign in again; after a revocation in the cloud the next sign-in is refused', async ({ page }) => {
  const cloud = new CloudApi();
  const username = unique('bo');
  await new SignupPage(page).signUp({ username, email: `${username}@example.com`, displayName: 'Bo Example' });
  const bind = new BindPage(page);
  await bind.expectPreviewFor(username);
  await bind.create();
  await expect(page).toHaveURL(/\/bi-authenticate/, { timeout: 20_000 });
  await new SignInPage(page).signInButton.click();
  await expect(page).toHaveURL(/\/passkeys$/);
  const home = new AccountHome(page);

  await test.step('sign out, then sign in with the passkey and see the identity', async () => {
    await home.signOut();
    await signInWithPasskey(page, username);
    await home.expectSignedInAs(username);
  });

  let usedRequest = '';
  await test.step('the used sign-in request opened again in this tab: says it cannot be used again, before any click', async () => {
    await home.signOut();
    const signIn = new SignInPage(page);
    await signIn.startFromHome();
    usedRequest = page.url();
    await expect(signIn.passkey(username)).toBeChecked();
    await signIn.signInButton.click();
    await expect(page).toHaveURL((url) => !url.pathname.startsWith('/bi-authenticate') && !url.pathname.startsWith('/auth/'));
    // As a reload or Back would: the cloud has used this request, and the page knows it sent it.
    await page.goto(usedRequest);
    await expect(signIn.failure('This sign-in request cannot be used again')).toBeVisible({ timeout: 20_000 });
    await expect(signIn.signInButton).toHaveCount(0);
    await expect(page.getByRole('link', { name: 'Start again' })).toHaveAttribute('href', '/auth/login');
  });

  await test.step('the same used request opened in another tab: says so too, not "refused"', async () => {
    const otherTab = await page.context().newPage();
    await otherTab.goto(usedRequest);
    const signIn = new SignInPage(otherTab);
    await expect(signIn.failure('This sign-in request cannot be used again')).toBeVisible({ timeout: 20_000 });
    await expect(signIn.signInButton).toHaveCount(0);
    await otherTab.close();
  });

  await test.step('revoke the credential in the cloud: the next sign-in says so', async () => {
    const identity = (await cloud.call<{ identities: { id: string }[] }>('GET', `${cloud.realmUrl}/identities?filter=${encodeURIComponent(`username eq "${username}"`)}`)).identities[0]!;
    const credential = (await cloud.listCredentials(identity.id)).credentials[0]!;
    await cloud.call('POST', `${cloud.realmUrl}/identities/${identity.id}/credentials/${credential.id}:revoke`, {});
    await home.signOut();
    const signIn = new SignInPage(page);
    await signIn.startFromHome();
    await signIn.signInButton.click();
    await expect(signIn.failure('This passkey can no longer sign you in')).toBeVisible();
    await page.goto('/');
    await expect(page.getByRole('heading', { name: 'Get started' })).toBeVisible();
  });
});

test('a browser with no passkey gets the "no passkey here" state', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const signIn = new SignInPage(page);
  await signIn.startFromHome();
  await expect(signIn.failure('There is no passkey for this site on this browser')).toBeVisible();
  await expect(page.getByRole('link', { name: /email me a link/i })).toBeVisible();
  await context.close();
});

test('a new device asks for an email link, binds from the message, and ends signed in there', async ({ browser }) => {
  const cloud = new CloudApi();
  const identity = await cloud.createIdentity('newdevice');
  const context = await browser.newContext();
  const page = await context.newPage();

  await test.step('request a link by username; the answer does not reveal whether the account exists', async () => {
    await new EmailLinkPage(page).request(identity.username);
    await new EmailLinkPage(page).request(unique('nobody'));
  });

  const link = await test.step('the message arrives over SMTP', async () => (await waitForEmail(identity.email)).links[0]!);

  await test.step('open it: the cloud redirects to /bind, which runs the SDK as shipped; the click binds, and sign-in follows', async () => {
    const bind = new BindPage(page);
    // Watches the page's profilers (the page's own API, observed; nothing answers in its place):
    // whether the SDK's file had run when each was made, whether Chromium let it start, and stop.
    await page.addInitScript(() => {
      type Options = { sampleInterval: number; maxBufferSize: number };
      type Watched = { sdkHadRun: boolean; started: boolean; stopped: boolean };
      const w = window as unknown as { Profiler?: new (options: Options) => { stop(): Promise<unknown> }; profilersSeen?: Watched[] };
      const Original = w.Profiler;
      if (typeof Original !== 'function') return;
      const seen: Watched[] = (w.profilersSeen = []);
      w.Profiler = class extends Original {
        readonly #watched: Watched;
        constructor(options: Options) {
          const watched = { sdkHadRun: 'embeddedsdk' in window, started: false, stopped: false };
          seen.push(watched);
          super(options);
          watched.started = true;
          this.#watched = watched;
        }
        override stop() {
          this.#watched.stopped = true;
          return super.stop();
        }
      };
    });
    const sdkFile = page.waitForResponse(isSdkFile);
    await bind.open(link);
    await expectShippedSdk(await sdkFile);
    await bind.expectPreviewFor(identity.username);
    // initialize() runs under the app's faster Uint8Array.from (src/passkeys/fast-byte-decode.ts;
    // its unit tests show it installed): once the SDK is ready, the page must be left as found.
    expect(await page.evaluate(() => Object.hasOwn(Uint8Array, 'from'))).toBe(false);
    // The SDK's file ran with a profiler running (src/passkeys/eager-source-positions.ts), which
    // Chromium allows only to a document served with `Document-Policy: js-profiling`; it was
    // stopped once initialize() had settled.
    const profilers = await page.evaluate(() => (window as unknown as { profilersSeen?: unknown[] }).profilersSeen);
    expect(profilers).toEqual([{ sdkHadRun: false, started: true, stopped: true }]);
    await bind.create();
    await bind.expectSuccessFor(identity.username);
    const signIn = new SignInPage(page);
    await expect(signIn.heading).toBeVisible({ timeout: 20_000 });
    await signIn.signInButton.click();
    await expect(page).toHaveURL(/\/passkeys$/);
    await expect(new PasskeysPage(page).localPasskey(identity.username)).toBeVisible();
    await new AccountHome(page).expectSignedInAs(identity.username);
  });
  await context.close();
});

test('a signed-in person adds a passkey on this browser and is sent where the SPA asked', async ({ browser }) => {
  const username = unique('cy');
  const cloud = new CloudApi();
  // First passkey on one browser, signed in there.
  const first = await browser.newContext();
  const firstPage = await first.newPage();
  const signupResponse = firstPage.waitForResponse((r) => r.url().endsWith('/api/signup'));
  await new SignupPage(firstPage).signUp({ username, email: `${username}@example.com`, displayName: 'Cy Example' });
  const identityId = ((await (await signupResponse).json()) as { me: { identity_id: string } }).me.identity_id;
  const firstBind = new BindPage(firstPage);
  await firstBind.expectPreviewFor(username);
  await firstBind.create();
  await expect(firstPage).toHaveURL(/\/bi-authenticate/, { timeout: 20_000 });
  await new SignInPage(firstPage).signInButton.click();
  await expect(firstPage).toHaveURL(/\/passkeys$/);

  await test.step('"Add passkey" with ?next=/passkeys binds again and honours post_binding_redirect_uri', async () => {
    await firstPage.goto('/bind?next=/passkeys');
    await firstBind.expectPreviewFor(username);
    await firstBind.create();
    await firstBind.expectSuccessFor(username);
    await expect(firstPage).toHaveURL(/\/passkeys$/, { timeout: 10_000 });
    // Not only the page: the cloud holds a second ACTIVE credential for the account.
    const { credentials } = await cloud.listCredentials(identityId);
    expect(credentials.map((c) => c.state)).toEqual(['ACTIVE', 'ACTIVE']);
  });
  await first.close();
});
