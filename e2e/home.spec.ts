import { expect, test } from '@playwright/test';
import { paths } from '../src/lib/paths';
import { HomePage } from './pages/home-page';
import { e2eEnv } from './support/e2e-env';

test('the home page names the product and the Beyond Identity API the app uses', async ({ page, request }) => {
  const home = new HomePage(page);

  const apiBaseUrl = await test.step('the backend reports the local cloud started for this run', async () => {
    const response = await request.get(paths.api.health);
    expect(response.status()).toBe(200);
    const body = (await response.json()) as { cloud: { api_base_url: string } };
    // Same port as the cloud global-setup started: the app really talks to that cloud.
    expect(new URL(body.cloud.api_base_url).port).toBe(new URL(e2eEnv().cloudUrl).port);
    return body.cloud.api_base_url;
  });

  await test.step('open the home page', async () => {
    await home.goto();
  });

  await test.step('see the product name and what it does', async () => {
    await expect(home.heading).toBeVisible();
    await expect(home.tagline).toBeVisible();
    await expect(page).toHaveTitle('Bindery');
  });

  await test.step("see the cloud's api_base_url in the status line", async () => {
    await home.expectConnectedTo(apiBaseUrl);
  });
});
