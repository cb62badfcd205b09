import { expect, test } from '@playwright/test';
import { OverviewPage } from './pages/overview-page';
import { PodPage } from './pages/pod-page';
import { SidecarSetPage } from './pages/sidecarset-page';
import { WorkloadPage } from './pages/workload-page';
import { kubectlJson } from './support/cluster';
import { clusterLabel, identityFor } from './support/env';

interface SidecarSetList {
  items: Array<{ metadata: { name: string }; status?: { matchedPods?: number } }>;
}

test('the overview lists every SidecarSet of the demo fleet and says which cluster it shows', async ({ page }) => {
  const overview = new OverviewPage(page);
  await overview.goto();
  await expect(overview.cluster).toContainText(clusterLabel);
  await expect(overview.cluster).toContainText(identityFor('admin'));

  const fromKubectl = kubectlJson<SidecarSetList>(['get', 'sidecarsets.apps.kruise.io']).items.map((s) => s.metadata.name);
  expect(fromKubectl.length).toBeGreaterThan(0);
  for (const name of fromKubectl) {
    const row = overview.row(name);
    await expect(row).toBeVisible();
    // Every row says its state in words and has an accessible progress bar.
    await expect(row.getByRole('cell').filter({ hasText: /Complete|Progressing|Paused|Stuck|Not updating/ })).toHaveCount(1);
    await expect(row.getByRole('progressbar', { name: `${name} rollout progress` })).toBeVisible();
  }
});

test('overview → SidecarSet → workload → pod', async ({ page }) => {
  // The SidecarSet with the most matched pods, so it certainly has workloads to follow.
  const list = kubectlJson<SidecarSetList>(['get', 'sidecarsets.apps.kruise.io']).items;
  const target = [...list].sort((a, b) => (b.status?.matchedPods ?? 0) - (a.status?.matchedPods ?? 0))[0];
  test.skip(!target?.status?.matchedPods, 'the fleet has no SidecarSet with matched pods');
  const name = target!.metadata.name;

  const overview = new OverviewPage(page);
  await overview.goto();
  await overview.openSidecarSet(name);

  const sidecarSet = new SidecarSetPage(page, name);
  await sidecarSet.expectLoaded();
  await expect(page).toHaveURL(new RegExp(`/sidecarsets/${name}$`));
  await expect(sidecarSet.why).toBeVisible();
  await expect(sidecarSet.revisions).toBeVisible();

  const workloadLink = sidecarSet.workloadLinks().first();
  const workloadName = ((await workloadLink.textContent()) ?? '').trim();
  await workloadLink.click();

  const workload = new WorkloadPage(page);
  await workload.expectLoaded(workloadName);
  // The sidecar of the SidecarSet we came from is among this workload's sidecars.
  await expect(workload.sidecars.getByRole('link', { name })).toBeVisible();

  const podLink = workload.podLinks().first();
  const podName = ((await podLink.textContent()) ?? '').trim();
  await podLink.click();

  const pod = new PodPage(page, podName);
  await pod.expectLoaded();
  await expect(pod.sidecars.getByRole('link', { name })).toBeVisible();
  // The breadcrumb leads back to the workload.
  await page
    .getByRole('navigation', { name: 'Breadcrumb' })
    .getByRole('link', { name: new RegExp(workloadName) })
    .click();
  await workload.expectLoaded(workloadName);
});

test('every page has landmarks and the theme toggle persists', async ({ page }) => {
  const overview = new OverviewPage(page);
  await overview.goto();
  await expect(page.getByRole('banner')).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  await expect(page.getByRole('main')).toBeVisible();

  await page.getByRole('button', { name: 'Dark theme' }).click();
  await expect(page.locator('html')).toHaveClass(/dark/);
  await page.reload();
  await expect(page.locator('html')).toHaveClass(/dark/);
  await expect(page.getByRole('button', { name: 'Dark theme' })).toHaveAttribute('aria-pressed', 'true');
  await page.getByRole('button', { name: 'Light theme' }).click();
  await expect(page.locator('html')).not.toHaveClass(/dark/);
});
