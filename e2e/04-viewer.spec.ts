import { expect, test } from '@playwright/test';
import { OverviewPage } from './pages/overview-page';
import { SidecarSetPage } from './pages/sidecarset-page';
import { WorkloadsPage } from './pages/workloads-page';
import { kubectlJson } from './support/cluster';
import { identityFor, viewerBaseURL } from './support/env';

/** The second dashboard acts as the viewer (get, list, watch only) on the same cluster. */
test.use({ baseURL: viewerBaseURL });

const mutating = /^(Canary upgrade|Promote|Pause rollout|Resume rollout|Roll back|Pause every rollout)/;

test('the viewer sees the whole fleet, read-only', async ({ page }) => {
  const overview = new OverviewPage(page);
  await overview.goto();
  await expect(overview.cluster).toContainText(identityFor('viewer'));

  const names = kubectlJson<{ items: Array<{ metadata: { name: string } }> }>(['get', 'sidecarsets.apps.kruise.io']).items.map(
    (s) => s.metadata.name,
  );
  await expect(overview.sidecarSetLinks()).toHaveCount(names.length);
  // Nothing was refused: no access errors in place, no stale banner.
  await expect(page.getByText(/^No access to/)).toHaveCount(0);
  await expect(overview.staleBanner).toHaveCount(0);
  for (const button of await page.getByRole('button', { name: mutating }).all()) {
    await expect(button).toBeDisabled();
  }

  const first = names.sort()[0]!;
  await overview.openSidecarSet(first);
  const ss = new SidecarSetPage(page, first);
  await ss.expectLoaded();
  await expect(ss.why).toBeVisible();
  for (const button of await page.getByRole('button', { name: mutating }).all()) {
    await expect(button).toBeDisabled();
  }

  const workloads = new WorkloadsPage(page);
  await workloads.goto();
  await expect(workloads.rows().first()).toBeVisible();
});
