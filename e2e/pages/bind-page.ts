import { expect, type Locator, type Page } from '@playwright/test';

/** `/bind`: the preview of whose passkey a link creates, "Create passkey", progress, success or a failure. */
export class BindPage {
  readonly createButton: Locator;
  readonly ready: Locator;
  readonly progress: Locator;
  readonly successHeading: Locator;
  readonly continueLink: Locator;

  constructor(readonly page: Page) {
    this.createButton = page.getByRole('button', { name: 'Create passkey' });
    this.ready = page.getByText('Ready on this browser.');
    this.progress = page.locator('.bind-flow [role="status"]');
    this.successHeading = page.getByRole('heading', { name: 'Passkey created' });
    this.continueLink = page.getByRole('link', { name: 'Continue' });
  }

  /** Opens a link as a person would (an emailed link goes through the cloud's redirect). */
  async open(url: string): Promise<void> {
    await this.page.goto(url);
    await expect(this.page).toHaveURL(/\/bind(\?|$)/);
  }

  /** Waits until the preview names `username` and the SDK is ready. */
  async expectPreviewFor(username: string): Promise<void> {
    await expect(this.page.getByText(username, { exact: false }).first()).toBeVisible();
    await expect(this.createButton).toBeEnabled();
    await expect(this.ready).toBeVisible();
  }

  async create(): Promise<void> {
    await this.createButton.click();
  }

  async expectSuccessFor(username: string): Promise<void> {
    await expect(this.successHeading).toBeVisible({ timeout: 20_000 });
    await expect(this.progress).toContainText(username);
  }

  /** A failure's own heading (each failure has its own sentence under it). */
  failure(title: string): Locator {
    return this.page.getByRole('heading', { level: 2, name: title });
  }
}
