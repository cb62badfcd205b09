import { expect, test } from '@playwright/test';
import { OverviewPage } from './pages/overview-page';
import { setFaults } from './support/cluster';

/**
 * An outage switched on in the built-in cluster: the open page keeps its last data under a stale
 * banner that says since when and why, then recovers by itself when the cluster answers again.
 * Runs last: while the outage lasts every dashboard of this run sees it.
 */
test.afterEach(async () => {
  await setFaults({ reset: true });
});

test('an outage shows the stale banner over the last data, and the page recovers by itself', async ({ page }) => {
  test.setTimeout(75_000);
  const overview = new OverviewPage(page);
  await overview.goto();
  const rowsBefore = await overview.sidecarSetLinks().count();
  expect(rowsBefore).toBeGreaterThan(0);
  await expect(overview.staleBanner).toHaveCount(0);

  await setFaults({ outageSeconds: 5, dropWatchesNow: true });

  await expect(overview.staleBanner).toBeVisible({ timeout: 10_000 });
  await expect(overview.staleBanner).toContainText(/Data is stale since \d\d:\d\d:\d\d \(\d+ s ago\) — /);
  // The last known data stays on screen under the banner.
  await expect(overview.sidecarSetLinks()).toHaveCount(rowsBefore);
  await expect(overview.cluster).toContainText('Stale');

  // No reload: the banner goes away on its own once the watches reconnect.
  await expect(overview.staleBanner).toHaveCount(0, { timeout: 45_000 });
  await expect(overview.cluster).toContainText('Live');
});
