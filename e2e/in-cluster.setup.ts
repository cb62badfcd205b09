import { expect, test as setup } from '@playwright/test';
import { baseURL, inClusterState, viewerBaseURL } from './support/env';
import { tokenFor } from './support/users';

/**
 * Signs in to the in-cluster dashboard (token mode) through its sign-in page, once per user, and
 * keeps each browser state for the specs (playwright.in-cluster.config.ts): the admin on the first
 * replica, the viewer on the second.
 */
for (const [user, url] of [
  ['admin', baseURL],
  ['viewer', viewerBaseURL],
] as const) {
  setup(`sign in as ${user}`, async ({ browser }) => {
    const context = await browser.newContext({ baseURL: url });
    const page = await context.newPage();
    await page.goto('/');
    await expect(page).toHaveURL(/\/sign-in$/);
    const { token, name } = tokenFor(user);
    await page.getByLabel('Token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const cluster = page.getByRole('region', { name: 'Cluster' });
    await expect(cluster).toContainText('signed in with a token', { timeout: 20_000 });
    await expect(cluster).toContainText(name);
    await context.storageState({ path: inClusterState(user) });
    await context.close();
  });
}
