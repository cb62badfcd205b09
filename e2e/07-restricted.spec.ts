import { expect, test } from '@playwright/test';
import { OverviewPage } from './pages/overview-page';
import { WorkloadsPage } from './pages/workloads-page';
import { contextFor, restrictedBaseURL } from './support/env';

/**
 * The restricted user may read everything but the pods of namespace `payments`. The refusal shows in
 * place, with its reason, and the rest of the fleet renders; it is not an outage.
 */
test.use({ baseURL: restrictedBaseURL });

test('a 403 on one namespace shows in place and the rest of the page renders', async ({ page }) => {
  const overview = new OverviewPage(page);
  await overview.goto();
  await expect(overview.cluster).toContainText(contextFor('restricted'));
  const refusal = page.getByRole('status').filter({ hasText: 'No access to pods in namespace payments' });
  await expect(refusal).toBeVisible();
  await expect(refusal).toContainText('403');
  await expect(overview.sidecarSetLinks().first()).toBeVisible();
  await expect(overview.staleBanner).toHaveCount(0);

  const workloads = new WorkloadsPage(page);
  await workloads.goto();
  await expect(page.getByRole('status').filter({ hasText: 'No access to pods in namespace payments' })).toBeVisible();
  await expect(workloads.rows().first()).toBeVisible();
  // Workloads of other namespaces are listed with their pods.
  const namespaces = await workloads.optionValues(workloads.namespace);
  expect(namespaces.filter((n) => n !== 'payments').length).toBeGreaterThan(0);
});
