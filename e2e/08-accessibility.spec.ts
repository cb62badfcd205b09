import { expect, test } from '@playwright/test';
import { OverviewPage } from './pages/overview-page';
import { PodPage } from './pages/pod-page';
import { SidecarSetPage } from './pages/sidecarset-page';
import { WorkloadPage } from './pages/workload-page';
import { WorkloadsPage } from './pages/workloads-page';
import { expectAccessible } from './support/a11y';
import { kubectlJson } from './support/cluster';
import { clusterPath, restrictedBaseURL, unreachableBaseURL, unreachableCluster, viewerBaseURL } from './support/env';

/**
 * Every page the browser specs visit, scanned with axe in the light and the dark theme: no
 * serious or critical violation. Dialogs are scanned open, as a keyboard or screen-reader user
 * meets them.
 */

interface SidecarSetList {
  items: Array<{ metadata: { name: string }; status?: { matchedPods?: number } }>;
}

function busiestSidecarSet(): string {
  const list = kubectlJson<SidecarSetList>(['get', 'sidecarsets.apps.kruise.io']).items;
  const top = [...list].sort((a, b) => (b.status?.matchedPods ?? 0) - (a.status?.matchedPods ?? 0))[0];
  if (!top?.status?.matchedPods) throw new Error('the demo fleet has no SidecarSet with matched pods');
  return top.metadata.name;
}

// axe walks the whole DOM twice per page; the SidecarSet and workloads pages hold hundreds of rows.
test.describe.configure({ timeout: 120_000 });

test('the overview', async ({ page }) => {
  const overview = new OverviewPage(page);
  await overview.goto();
  await expect(overview.sidecarSetLinks().first()).toBeVisible();
  await expectAccessible(page, 'the overview');

  // The pause-all confirmation, opened and closed without confirming.
  await page.getByRole('button', { name: 'Pause every rollout in progress' }).click();
  const dialog = page.getByRole('dialog', { name: 'Pause every rollout in progress?' });
  await expect(dialog).toBeVisible();
  await expectAccessible(page, 'the pause-all confirmation');
  await dialog.getByRole('button', { name: 'Close dialog' }).click();
  await expect(dialog).toBeHidden();
});

test('across clusters, with an image search', async ({ page }) => {
  await page.goto('/clusters?image=istio-proxy');
  await expect(page.getByRole('table', { name: 'SidecarSets in every cluster, side by side' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Where “istio-proxy” runs' })).toBeVisible();
  await expectAccessible(page, 'the cross-cluster view');
});

test('the cluster switcher, open, and an unknown cluster', async ({ page }) => {
  const workloads = new WorkloadsPage(page);
  await workloads.goto('?ns=payments');
  await page.getByRole('button', { name: /^Switch cluster, current:/ }).click();
  await expect(page.getByRole('navigation', { name: 'Clusters' })).toBeVisible();
  await expectAccessible(page, 'the open cluster switcher');

  await page.goto('/c/no-such-cluster');
  await expect(page.getByRole('heading', { level: 1, name: 'Unknown cluster' })).toBeVisible();
  await expectAccessible(page, 'the unknown-cluster page');
});

test('pause every rollout, with every cluster chosen', async ({ page }) => {
  const overview = new OverviewPage(page);
  await overview.goto();
  await page.getByRole('button', { name: 'Pause every rollout in progress' }).click();
  const dialog = page.getByRole('dialog', { name: 'Pause every rollout in progress?' });
  await dialog.getByRole('radio', { name: /^In every cluster/ }).check();
  await expect(dialog.getByRole('list', { name: 'Rollouts in progress in every cluster' })).toBeVisible();
  await expectAccessible(page, 'the pause-all confirmation for every cluster');
  await dialog.getByRole('button', { name: 'Close dialog' }).click();
  await expect(dialog).toBeHidden();
});

test('the workloads grid', async ({ page }) => {
  const workloads = new WorkloadsPage(page);
  await workloads.goto();
  await expect(workloads.rows().first()).toBeVisible();
  await expectAccessible(page, 'the workloads grid');
});

test('a SidecarSet, one of its workloads, and one of its pods', async ({ page }) => {
  const name = busiestSidecarSet();
  const sidecarSet = new SidecarSetPage(page, name);
  await sidecarSet.goto();
  await expect(sidecarSet.revisions).toBeVisible();
  await expectAccessible(page, `the SidecarSet ${name}`);

  const workloadLink = sidecarSet.workloadLinks().first();
  const workloadName = ((await workloadLink.textContent()) ?? '').trim();
  await workloadLink.click();
  const workload = new WorkloadPage(page);
  await workload.expectLoaded(workloadName);
  await expectAccessible(page, `the workload ${workloadName}`);

  const podLink = workload.podLinks().first();
  const podName = ((await podLink.textContent()) ?? '').trim();
  await podLink.click();
  const pod = new PodPage(page, podName);
  await pod.expectLoaded();
  await expectAccessible(page, `the pod ${podName}`);
});

test('the rollout dialogs, open', async ({ page }) => {
  const name = busiestSidecarSet();
  await new SidecarSetPage(page, name).goto();
  for (const [button, title] of [
    ['Canary upgrade', 'Canary upgrade'],
    ['Roll back', 'Roll back to an earlier revision'],
  ] as const) {
    const open = page.getByRole('button', { name: button, exact: true });
    await expect(open).toBeEnabled();
    await open.click();
    const dialog = page.getByRole('dialog', { name: title });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByText('Loading the SidecarSet…')).toHaveCount(0);
    await expectAccessible(page, `the ${title} dialog`);
    await dialog.getByRole('button', { name: 'Close dialog' }).click();
    await expect(dialog).toBeHidden();
  }
});

test('a page that does not exist', async ({ page }) => {
  await page.goto(clusterPath('/sidecarsets/no-such-sidecarset-here'));
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expectAccessible(page, 'the not-found page');
});

test.describe('as the viewer', () => {
  test.use({ baseURL: viewerBaseURL });
  test('read-only overview and SidecarSet', async ({ page }) => {
    const overview = new OverviewPage(page);
    await overview.goto();
    await expectAccessible(page, "the viewer's overview");
    const name = busiestSidecarSet();
    await new SidecarSetPage(page, name).goto();
    await expect(page.getByText(/^Read-only: /)).toBeVisible();
    await expectAccessible(page, "the viewer's SidecarSet page");
  });
});

test.describe('as the restricted user', () => {
  test.use({ baseURL: restrictedBaseURL });
  test('a 403 shown in place', async ({ page }) => {
    const workloads = new WorkloadsPage(page);
    await workloads.goto();
    await expect(page.getByRole('status').filter({ hasText: 'No access to pods in namespace payments' })).toBeVisible();
    await expectAccessible(page, 'the workloads grid with a 403');
  });
});

test.describe('with a cluster that never answers', () => {
  test.use({ baseURL: unreachableBaseURL });
  test('the first-render error page', async ({ page }) => {
    await page.goto(clusterPath('', unreachableCluster));
    await expect(page.getByRole('alert').filter({ hasText: 'The cluster is not answering' })).toBeVisible({ timeout: 20_000 });
    await expectAccessible(page, 'the cluster-unreachable page');
  });
});
