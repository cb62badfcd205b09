import { expect, type Page, test } from '@playwright/test';
import { PodPage } from './pages/pod-page';
import { SidecarSetPage } from './pages/sidecarset-page';
import { WorkloadsPage } from './pages/workloads-page';
import { applyManifest, kubectl, runId } from './support/cluster';
import { clusterPath } from './support/env';

/**
 * Changes made with kubectl while a page is open must show in it without a reload. Each run
 * creates its own SidecarSet and pods (unique names), so it neither depends on nor disturbs the
 * demo fleet's rollouts.
 */
const id = runId();
const ssName = `e2e-live-${id}`;
const podNames = [`e2e-live-${id}-a`, `e2e-live-${id}-b`];

test.describe.configure({ mode: 'serial' });

test.beforeAll(() => {
  applyManifest(`
apiVersion: apps.kruise.io/v1beta1
kind: SidecarSet
metadata:
  name: ${ssName}
spec:
  selector:
    matchLabels:
      e2e-live: "${id}"
  updateStrategy:
    type: RollingUpdate
    maxUnavailable: 2
  containers:
    - name: e2e-agent
      image: registry.example/e2e-agent:1.0.0
`);
  // Pods are created after the SidecarSet: injection happens only at pod creation.
  applyManifest(
    podNames
      .map(
        (name) => `---
apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: default
  labels:
    e2e-live: "${id}"
spec:
  containers:
    - name: app
      image: registry.example/e2e-app:1.0.0
`,
      )
      .join('\n'),
  );
});

test.afterAll(() => {
  kubectl(['delete', 'pod', '-n', 'default', ...podNames, '--ignore-not-found', '--wait=false']);
  kubectl(['delete', 'sidecarset.apps.kruise.io', ssName, '--ignore-not-found', '--wait=false']);
});

function setAgentImage(image: string): void {
  kubectl([
    'patch',
    'sidecarset.apps.kruise.io',
    ssName,
    '--type',
    'json',
    '-p',
    JSON.stringify([{ op: 'replace', path: '/spec/containers/0/image', value: image }]),
  ]);
}

/** Marks the document; the mark is gone if the page reloads. */
async function markDocument(page: Page): Promise<void> {
  await page.evaluate(() => {
    (window as unknown as { __e2eNoReload: boolean }).__e2eNoReload = true;
  });
}

async function expectNoReload(page: Page): Promise<void> {
  expect(await page.evaluate(() => (window as unknown as { __e2eNoReload?: boolean }).__e2eNoReload)).toBe(true);
}

test('an image patched with kubectl shows on the open SidecarSet page without reload', async ({ page }) => {
  const ss = new SidecarSetPage(page, ssName);
  await ss.goto();
  await expect(ss.spec).toContainText('registry.example/e2e-agent:1.0.0');
  await expect(ss.podsByRevision).toContainText(podNames[0]!);
  await markDocument(page);

  setAgentImage('registry.example/e2e-agent:1.1.0');

  await expect(ss.spec).toContainText('registry.example/e2e-agent:1.1.0', { timeout: 5_000 });
  // The controller records a second revision, and the page shows it too.
  await expect(ss.revisions.getByRole('rowheader', { name: /#2/ })).toBeVisible({ timeout: 10_000 });
  await expectNoReload(page);
});

test('an open page gets its changes pushed over one live stream and polls nothing meanwhile', async ({ page }) => {
  const ss = new SidecarSetPage(page, ssName);
  await ss.goto();
  // The view's stream is up (its first view arrived): the page stopped polling.
  await expect(page.locator('html')).toHaveAttribute('data-live-streams', '1');
  await expect(ss.spec).toContainText('registry.example/e2e-agent:1.1.0');
  await markDocument(page);
  // From here, the view and its pulse come only from the stream.
  const polled: string[] = [];
  page.on('request', (r) => {
    const p = new URL(r.url()).pathname;
    if (p.endsWith('/pulse') || p.endsWith(`/sidecarsets/${ssName}`)) polled.push(p);
  });

  setAgentImage('registry.example/e2e-agent:1.2.0');

  await expect(ss.spec).toContainText('registry.example/e2e-agent:1.2.0', { timeout: 5_000 });
  await expect(ss.revisions.getByRole('rowheader', { name: /#3/ })).toBeVisible({ timeout: 10_000 });
  expect(polled).toEqual([]);
  await expectNoReload(page);
});

test('a pod that starts failing shows as failing on its open page without reload', async ({ page }) => {
  const podName = podNames[1]!;
  await page.goto(clusterPath(`/pods/default/${podName}`));
  const pod = new PodPage(page, podName);
  await pod.expectLoaded();
  await markDocument(page);

  kubectl(['set', 'image', '-n', 'default', `pod/${podName}`, 'app=registry.example/e2e-app:1.0.1-broken']);

  await expect(pod.containers).toContainText('e2e-app:1.0.1-broken', { timeout: 5_000 });
  await expect(
    pod.sidecars
      .getByRole('cell')
      .filter({ hasText: /ErrImagePull|ImagePullBackOff/ })
      .first(),
  ).toBeVisible({
    timeout: 15_000,
  });
  await expectNoReload(page);
});

test('a new failing pod appears in the open, filtered workloads grid without reload', async ({ page }) => {
  const workloads = new WorkloadsPage(page);
  const name = `e2e-live-${id}-c`;
  await workloads.goto(`?q=${name}`);
  await expect(page.getByText('No workloads match')).toBeVisible();
  await markDocument(page);

  applyManifest(`
apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: default
  labels:
    e2e-live: "${id}"
spec:
  containers:
    - name: app
      image: registry.example/e2e-app:2.0.0-crashloop
`);
  try {
    const row = workloads.row(name);
    await expect(row).toBeVisible({ timeout: 5_000 });
    await expect(row).toContainText('Failing', { timeout: 15_000 });
    await expectNoReload(page);
  } finally {
    kubectl(['delete', 'pod', '-n', 'default', name, '--ignore-not-found', '--wait=false']);
  }
});
