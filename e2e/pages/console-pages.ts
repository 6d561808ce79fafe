import { expect, type Locator, type Page } from '@playwright/test';
import { e2eEnv } from '../support/e2e-env';

/** The Admin Console, served by the local cloud at `{cloud}/console`. */
export class ConsolePage {
  constructor(readonly page: Page) {}

  url(path = ''): string {
    return `${e2eEnv().cloudUrl}/console${path}`;
  }

  async signIn(username: string, password: string): Promise<void> {
    await this.page.goto(this.url('/sign-in'));
    await this.page.getByLabel('Username').fill(username);
    await this.page.getByLabel('Password').fill(password);
    await this.page.getByRole('button', { name: 'Sign in' }).click();
    await expect(this.page.getByRole('heading', { level: 1, name: 'Identities' })).toBeVisible();
  }

  /** Creates an identity from the Identities page; ends on its detail page. */
  async createIdentity(user: { username: string; displayName: string; email: string }): Promise<void> {
    await this.page.goto(this.url('/identities'));
    await this.page.getByRole('button', { name: 'Create identity' }).click();
    const dialog = this.page.getByRole('dialog', { name: 'Create identity' });
    await dialog.getByLabel('Username').fill(user.username);
    await dialog.getByLabel('Display name').fill(user.displayName);
    await dialog.getByLabel('Email address').fill(user.email);
    await dialog.getByRole('button', { name: 'Create identity' }).click();
    await expect(this.page.getByRole('heading', { level: 1, name: new RegExp(user.displayName) })).toBeVisible();
  }

  /** "Add a passkey" → the application → "Proceed & send email"; returns the live job state element. */
  async addPasskeyByEmail(): Promise<Locator> {
    await this.page.getByRole('button', { name: 'Add a passkey' }).click();
    const dialog = this.page.getByRole('dialog');
    await dialog.getByLabel('Application').selectOption({ label: 'Bindery App' });
    await dialog.getByRole('button', { name: 'Proceed & send email' }).click();
    return dialog.getByRole('status').filter({ hasText: /LINK_SENT|LINK_OPENED|COMPLETE|FAILED_TO_SEND/ });
  }

  /** The credentials table's row state badges. */
  credentialStates(): Locator {
    return this.page.getByRole('region', { name: 'Passkeys (credentials)' }).locator('tbody .badge');
  }
}
