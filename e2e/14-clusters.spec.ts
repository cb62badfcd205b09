import { expect, type Page, test } from '@playwright/test';
import { WorkloadsPage } from './pages/workloads-page';
import { applyManifest, kubectl, kubectlJson, kubectlSecond, runId, setFaults } from './support/cluster';
import { clusterPath, istioProxyImage, primaryCluster, secondCluster } from './support/env';

/**
 * Two clusters in one dashboard: the primary one (the built-in demo, or the real control plane
 * with SIDECAR_FLEET_TEST_CLUSTER=real) and a built-in `demo-prod` beside it, whose istio-proxy is
 * on another version on purpose. Every check of a cluster's state is made with kubectl against
 * that cluster.
 */

test.describe.configure({ timeout: 120_000 });

interface SidecarSetList {
  items: Array<{
    metadata: { name: string; resourceVersion: string };
    spec: { containers: Array<{ name: string; image: string }>; updateStrategy?: { type?: string; paused?: boolean } };
    status?: { matchedPods?: number; updatedPods?: number };
  }>;
}

const sidecarSets = (kubectlIn: typeof kubectl) =>
  JSON.parse(kubectlIn(['get', 'sidecarsets.apps.kruise.io', '-o', 'json'])) as SidecarSetList;

function pausedIn(kubectlIn: typeof kubectl): Map<string, boolean> {
  return new Map(sidecarSets(kubectlIn).items.map((s) => [s.metadata.name, s.spec.updateStrategy?.paused === true]));
}

/** Rollouts in progress as kubectl shows them: rolling, not paused, some matched pod not updated. */
function inProgressIn(kubectlIn: typeof kubectl): string[] {
  return sidecarSets(kubectlIn)
    .items.filter(
      (s) =>
        s.spec.updateStrategy?.type !== 'NotUpdate' &&
        s.spec.updateStrategy?.paused !== true &&
        (s.status?.updatedPods ?? 0) < (s.status?.matchedPods ?? 0),
    )
    .map((s) => s.metadata.name)
    .sort();
}

/** Resumes what a test paused (and only that), in one cluster. */
function restore(kubectlIn: typeof kubectl, before: Map<string, boolean>): void {
  for (const [name, pausedNow] of pausedIn(kubectlIn)) {
    if (pausedNow && before.get(name) === false) {
      kubectlIn(['patch', 'sidecarsets.apps.kruise.io', name, '--type', 'merge', '-p', '{"spec":{"updateStrategy":{"paused":false}}}']);
    }
  }
}

const switcher = (page: Page) => page.getByRole('button', { name: /^Switch cluster, current:/ });
const clusterList = (page: Page) => page.getByRole('navigation', { name: 'Clusters' });

test('the switcher keeps the page and its filters, by keyboard', async ({ page }) => {
  const workloads = new WorkloadsPage(page);
  await workloads.goto('?ns=payments&sort=pods&dir=desc');
  await expect(workloads.namespace).toHaveValue('payments');
  await expect(page.getByRole('region', { name: 'Cluster' })).toContainText(primaryCluster);

  // Enter opens it, Escape closes it and gives focus back.
  await switcher(page).focus();
  await expect(switcher(page)).toHaveAttribute('aria-expanded', 'false');
  await page.keyboard.press('Enter');
  await expect(switcher(page)).toHaveAttribute('aria-expanded', 'true');
  await expect(clusterList(page).getByRole('link')).toHaveCount(2);
  await expect(clusterList(page).getByRole('link', { name: new RegExp(`^${primaryCluster} \\(shown now\\)`) })).toHaveAttribute(
    'aria-current',
    'page',
  );
  await page.keyboard.press('Escape');
  await expect(clusterList(page)).toBeHidden();
  await expect(switcher(page)).toBeFocused();

  // Tab into the list and follow the other cluster with Enter.
  await page.keyboard.press('Enter');
  const other = clusterList(page).getByRole('link', { name: new RegExp(`^${secondCluster} `) });
  await expect(other).toBeVisible();
  for (let i = 0; i < 5 && !(await other.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab');
  await expect(other).toBeFocused();
  await page.keyboard.press('Enter');

  await expect(page).toHaveURL(new RegExp(`/c/${secondCluster}/workloads\\?ns=payments&sort=pods&dir=desc$`));
  const there = new WorkloadsPage(page, secondCluster);
  await expect(page.getByRole('region', { name: 'Cluster' })).toContainText(secondCluster);
  await expect(there.namespace).toHaveValue('payments');
  await expect(there.sortBy).toHaveValue('pods');
  await expect(there.grid.getByRole('columnheader', { name: 'Pods ready' })).toHaveAttribute('aria-sort', 'descending');
  // The rows are the other cluster's: its payments workloads run its own istio-proxy version.
  await expect(there.rows().first()).toBeVisible();
  for (const row of await there.rows().all()) await expect(row.getByRole('cell').first()).toHaveText('payments');
  await expect(there.grid).toContainText(istioProxyImage.second.split(':').pop() as string);
  await expect(there.grid).not.toContainText(istioProxyImage.primary.split(':').pop() as string);
});

test('which cluster runs which istio-proxy version: one click from the header, with the drift flagged', async ({ page }) => {
  const imageIn = (kubectlIn: typeof kubectl) =>
    sidecarSets(kubectlIn)
      .items.find((s) => s.metadata.name === 'istio-proxy')
      ?.spec.containers.find((c) => c.name === 'istio-proxy')?.image;
  expect(imageIn(kubectl)).toBe(istioProxyImage.primary);
  expect(imageIn(kubectlSecond)).toBe(istioProxyImage.second);

  await page.goto(clusterPath());
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Across clusters' }).click();
  await expect(page).toHaveURL(/\/clusters$/);

  const table = page.getByRole('table', { name: 'SidecarSets in every cluster, side by side' });
  const row = table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: /^istio-proxy/ }) });
  await expect(row).toContainText('image drift');
  const headers = await table.getByRole('columnheader').allTextContents();
  const col = (cluster: string) => headers.indexOf(cluster);
  expect(col(primaryCluster)).toBeGreaterThan(0);
  expect(col(secondCluster)).toBeGreaterThan(0);
  const cells = row.getByRole('cell');
  await expect(cells.nth(col(primaryCluster) - 1)).toContainText(istioProxyImage.primary.split('/').pop() as string);
  await expect(cells.nth(col(secondCluster) - 1)).toContainText(istioProxyImage.second.split('/').pop() as string);
  const drift = page.getByRole('status').filter({ hasText: /^Image drift/ });
  await expect(drift).toContainText(`proxyv2:1.22.6 in ${secondCluster}`);
  await expect(drift).toContainText(`proxyv2:1.23.3 in ${primaryCluster}`);
  // SidecarSets that agree are not flagged.
  await expect(table.getByRole('row').filter({ hasText: 'image drift' })).toHaveCount(1);

  // The search lists every cluster, SidecarSet and workload running the older version.
  const search = page.getByRole('search', { name: 'Find an image or version' });
  await search.getByRole('searchbox', { name: 'Image or version' }).fill('istio-proxy 1.22');
  await search.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/\/clusters\?image=istio-proxy\+1\.22$/);
  const results = page.getByRole('table', { name: 'Where “istio-proxy 1.22” runs' });
  await expect(results).toBeVisible();
  const resultRows = results.getByRole('row').filter({ has: page.getByRole('rowheader') });
  await expect(resultRows).toHaveCount(1);
  await expect(resultRows.first()).toContainText(secondCluster);
  const pods = JSON.parse(kubectlSecond(['get', 'pods', '-A', '-o', 'json'])) as {
    items: Array<{ metadata: { namespace: string }; spec: { containers: Array<{ image: string }> } }>;
  };
  const running = pods.items.filter((p) => p.spec.containers.some((c) => c.image === istioProxyImage.second));
  expect(running.length).toBeGreaterThan(0);
  await expect(resultRows.first().getByRole('cell').nth(2)).toHaveText(String(running.length));
  // A workload link leads to that workload in that cluster.
  const link = resultRows
    .first()
    .getByRole('link', { name: /^payments\// })
    .first();
  const href = await link.getAttribute('href');
  expect(href).toMatch(new RegExp(`^/c/${secondCluster}/workloads/payments/`));
  await link.click();
  await expect(page).toHaveURL(new RegExp(`/c/${secondCluster}/workloads/payments/`));
  await expect(page.getByRole('region', { name: 'Sidecars' })).toContainText('1.22.6');
});

test('one cluster down leaves the other live', async ({ page }) => {
  const name = `e2e-live-${runId()}`;
  // Down as a real API server goes down: requests fail and open watches are cut.
  await setFaults({ outageSeconds: 90, dropWatchesNow: true }, 'second');
  try {
    await page.goto('/clusters');
    const card = (cluster: string) => page.getByRole('listitem', { name: `Cluster ${cluster}`, exact: true });
    await expect(card(secondCluster)).toContainText(/Stale|Cannot be read/, { timeout: 20_000 });
    await expect(card(primaryCluster)).toContainText('Live');

    // The cluster that is down says so in place…
    await page.goto(clusterPath('', secondCluster));
    await expect(page.getByRole('region', { name: 'Cluster' }).getByText(/^(Stale)$/)).toBeVisible({ timeout: 20_000 });

    // …while the other one still shows a change made now.
    const workloads = new WorkloadsPage(page);
    await workloads.goto(`?q=${name}`);
    await expect(page.getByRole('region', { name: 'Cluster' }).getByText(/^Live$/)).toBeVisible();
    applyManifest(`
apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: default
spec:
  containers:
    - name: app
      image: registry.example/e2e-app:1.0.0
`);
    await expect(workloads.row(name)).toBeVisible({ timeout: 15_000 });
  } finally {
    await setFaults({ reset: true }, 'second');
    kubectl(['delete', 'pod', '-n', 'default', name, '--ignore-not-found', '--wait=false']);
  }
  // Back: the cluster is live again by itself.
  await page.goto(clusterPath('', secondCluster));
  await expect(page.getByRole('region', { name: 'Cluster' }).getByText(/^Live$/)).toBeVisible({ timeout: 30_000 });
});

test('a pause in one cluster changes nothing in the other; pausing every cluster is an explicit choice', async ({ page }) => {
  const beforePrimary = pausedIn(kubectl);
  const beforeSecond = pausedIn(kubectlSecond);
  const primaryVersions = new Map(sidecarSets(kubectl).items.map((s) => [s.metadata.name, s.metadata.resourceVersion]));
  const pauseEvents = () =>
    kubectlJson<{ items: Array<{ involvedObject: { kind: string } }> }>([
      'get',
      'events',
      '-n',
      'default',
      '--field-selector',
      'reason=RolloutPaused',
    ]).items.filter((e) => e.involvedObject.kind === 'SidecarSet').length;
  const primaryPauseEvents = pauseEvents();
  const progressingPrimary = inProgressIn(kubectl);
  const progressingSecond = inProgressIn(kubectlSecond);
  expect(progressingPrimary.length).toBeGreaterThan(0);
  expect(progressingSecond.length).toBeGreaterThan(0);
  try {
    await page.goto(clusterPath('', secondCluster));
    await page.getByRole('button', { name: 'Pause every rollout in progress' }).click();
    const d = page.getByRole('dialog', { name: 'Pause every rollout in progress?' });
    // The dialog names its cluster; this cluster only unless chosen otherwise.
    await expect(d.getByText(`In cluster ${secondCluster}`)).toBeVisible();
    await expect(d.getByRole('radio', { name: `Only in this cluster, ${secondCluster}` })).toBeChecked();
    const listed = d.getByRole('list', { name: 'Rollouts in progress' }).getByRole('listitem');
    const names = (await listed.allTextContents()).map((t) => t.split(':')[0]?.trim() ?? '');
    expect(names.sort()).toEqual(progressingSecond);

    // The other choice shows what is in progress in each cluster, and is not taken.
    await d.getByRole('radio', { name: /^In every cluster/ }).check();
    const every = d.getByRole('list', { name: 'Rollouts in progress in every cluster' });
    await expect(every.getByRole('listitem')).toHaveCount(2);
    await expect(every).toContainText(primaryCluster);
    await d.getByRole('radio', { name: `Only in this cluster, ${secondCluster}` }).check();

    await d.getByRole('button', { name: new RegExp(`^Pause \\d+ rollouts? in ${secondCluster}$`) }).click();
    await expect(d.getByText(new RegExp(`^In ${secondCluster}:`))).toBeVisible();
    await expect(d.getByText(/^Paused \d+ rollouts? \(/)).toBeVisible();

    // kubectl, both clusters: paused there, untouched here.
    const afterSecond = pausedIn(kubectlSecond);
    for (const n of names) expect(afterSecond.get(n), `${n} in ${secondCluster}`).toBe(true);
    expect(pausedIn(kubectl)).toEqual(beforePrimary);
    for (const s of sidecarSets(kubectl).items)
      expect(s.metadata.resourceVersion, s.metadata.name).toBe(primaryVersions.get(s.metadata.name));
    expect(pauseEvents()).toBe(primaryPauseEvents);
    restore(kubectlSecond, beforeSecond);

    // Chosen explicitly: every cluster, with an outcome per cluster.
    await page.goto(clusterPath('', primaryCluster));
    await page.getByRole('button', { name: 'Pause every rollout in progress' }).click();
    const all = page.getByRole('dialog', { name: 'Pause every rollout in progress?' });
    await all.getByRole('radio', { name: /^In every cluster/ }).check();
    await expect(all.getByRole('list', { name: 'Rollouts in progress in every cluster' }).getByRole('listitem')).toHaveCount(2);
    await all.getByRole('button', { name: 'Pause rollouts in all 2 clusters' }).click();
    await expect(all.getByText(/^Paused \d+ rollouts? across 2 clusters/)).toBeVisible();
    const outcome = all.getByRole('list', { name: 'Outcome per cluster' });
    await expect(outcome).toContainText(primaryCluster);
    await expect(outcome).toContainText(secondCluster);
    for (const n of progressingPrimary) expect(pausedIn(kubectl).get(n), `${n} in ${primaryCluster}`).toBe(true);
    for (const n of progressingSecond) expect(pausedIn(kubectlSecond).get(n), `${n} in ${secondCluster}`).toBe(true);
  } finally {
    restore(kubectl, beforePrimary);
    restore(kubectlSecond, beforeSecond);
  }
});

test('an unknown cluster is a clear 404, in pages and in the API', async ({ page, request }) => {
  const res = await page.goto('/c/no-such-cluster/workloads');
  expect(res?.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1, name: 'Unknown cluster' })).toBeVisible();
  await expect(page.getByText('No cluster “no-such-cluster” is configured in this dashboard.')).toBeVisible();
  const known = page.getByRole('list', { name: 'Configured clusters' });
  await expect(known.getByRole('link', { name: primaryCluster, exact: true })).toHaveAttribute('href', `/c/${primaryCluster}`);
  await expect(known.getByRole('link', { name: secondCluster, exact: true })).toBeVisible();

  const api = await request.get('/api/c/no-such-cluster/overview');
  expect(api.status()).toBe(404);
  expect(await api.json()).toEqual({
    error: {
      kind: 'UnknownCluster',
      message: `No cluster "no-such-cluster" is configured here. Configured clusters: ${primaryCluster}, ${secondCluster}.`,
    },
  });
  // A link from before clusters were in the URL opens the same page of the default cluster.
  await page.goto('/workloads?ns=payments');
  await expect(page).toHaveURL(new RegExp(`/c/${primaryCluster}/workloads\\?ns=payments$`));

  // The configuration the switcher reads names both clusters and the default one.
  const clusters = (await (await request.get('/api/clusters')).json()) as { clusters: Array<{ id: string }>; defaultId: string };
  expect(clusters.clusters.map((c) => c.id)).toEqual([primaryCluster, secondCluster]);
  expect(clusters.defaultId).toBe(primaryCluster);
});
