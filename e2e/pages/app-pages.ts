import { expect, type Locator, type Page } from '@playwright/test';

/** `/signup`: the account form. */
export class SignupPage {
  constructor(readonly page: Page) {}

  async signUp(user: { username: string; email: string; displayName: string }): Promise<void> {
    await this.page.goto('/signup');
    await this.page.getByLabel('Username').fill(user.username);
    await this.page.getByLabel('Email address').fill(user.email);
    await this.page.getByLabel('Display name').fill(user.displayName);
    await this.page.getByRole('button', { name: 'Create account' }).click();
  }
}

/** `/bi-authenticate`: pick a passkey of this site and sign in. */
export class SignInPage {
  readonly heading: Locator;
  readonly signInButton: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { level: 1, name: 'Sign in with a passkey' });
    this.signInButton = page.getByRole('button', { name: 'Sign in' });
  }

  /** Starts sign-in from the home page: a full navigation through the cloud to /bi-authenticate. */
  async startFromHome(options: { beforeLeavingHome?: () => Promise<unknown> } = {}): Promise<void> {
    await this.page.goto('/');
    const start = this.page.getByRole('link', { name: 'Sign in with a passkey' });
    // Home offers sign-in once it has the app's settings; a step may cut the network after that.
    await expect(start).toBeVisible();
    await options.beforeLeavingHome?.();
    await start.click();
    await expect(this.page).toHaveURL(/\/bi-authenticate\?request=/);
    await expect(this.heading).toBeVisible();
  }

  /** The passkey choice for `username` (preselected when it is the only one). */
  passkey(username: string): Locator {
    return this.page.getByRole('radio', { name: new RegExp(username) });
  }

  failure(title: string): Locator {
    return this.page.getByRole('heading', { level: 2, name: title });
  }
}

/** `/`: who is signed in, "Add passkey", sign-out. */
export class AccountHome {
  constructor(readonly page: Page) {}

  async expectSignedInAs(username: string): Promise<void> {
    await this.page.goto('/');
    await expect(this.page.getByText('Signed in as')).toContainText(username);
  }

  async signOut(): Promise<void> {
    await this.page.goto('/');
    await this.page.getByRole('button', { name: 'Sign out' }).click();
    await expect(this.page.getByRole('heading', { name: 'Get started' })).toBeVisible();
  }
}

/** `/passkeys`: this browser's passkeys and the account's credentials. */
export class PasskeysPage {
  constructor(readonly page: Page) {}

  async goto(): Promise<void> {
    await this.page.goto('/passkeys');
  }

  /** The local passkey entry for `username` (its delete button names it). */
  localPasskey(username: string): Locator {
    return this.page.getByRole('button', { name: `Delete the passkey for ${username}` });
  }

  /** The cloud credential's revoke button, which names its id. */
  credential(id: string): Locator {
    return this.page.getByRole('button', { name: `Revoke credential ${id}` });
  }
}

/** `/email-link`: a link for a new device, by username. */
export class EmailLinkPage {
  constructor(readonly page: Page) {}

  async request(username: string): Promise<void> {
    await this.page.goto('/email-link');
    await this.page.getByLabel('Username', { exact: true }).fill(username);
    await this.page.getByRole('button', { name: 'Email me a link' }).click();
    await expect(this.page.getByText('If an account matches, we sent a link')).toBeVisible();
  }
}
