import { expect, type Page } from '@playwright/test';

/**
 * Waits until the page is interactive: the header's Live/Stale marker is drawn by a client
 * component after its first poll, so it only shows once React has hydrated. Interacting before
 * that (a select changed on server HTML) would be lost.
 */
export async function waitForLiveShell(page: Page): Promise<void> {
  // Generous: on a busy 2-core machine the first load of the JS bundle can take several seconds.
  await expect(page.getByRole('region', { name: 'Cluster' }).getByText(/^(Live|Stale)$/)).toBeVisible({ timeout: 20_000 });
}
