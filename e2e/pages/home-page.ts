import { expect, type Locator, type Page } from '@playwright/test';
import { paths } from '../../src/lib/paths';

/** The landing page (`/`): product name, tagline and the backend's status line. */
export class HomePage {
  readonly heading: Locator;
  readonly tagline: Locator;
  /** The "Status" section; holds the status line, or an alert with a Retry button. */
  readonly statusSection: Locator;
  readonly retryButton: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { level: 1, name: 'Bindery' });
    this.tagline = page.getByText('Bind passkeys to your account with Beyond Identity.');
    this.statusSection = page.getByRole('region', { name: 'Status' });
    this.retryButton = this.statusSection.getByRole('button', { name: 'Retry' });
  }

  async goto(): Promise<void> {
    await this.page.goto(paths.app.home.getHref());
  }

  /** Waits for the status line to report a healthy backend using `apiBaseUrl`. */
  async expectConnectedTo(apiBaseUrl: string): Promise<void> {
    const line = this.statusSection.getByRole('status');
    await expect(line).toContainText('Connected.');
    await expect(line.locator('code')).toHaveText(apiBaseUrl);
  }
}
