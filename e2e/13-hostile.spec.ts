import { expect, type Page, test } from '@playwright/test';
import { SidecarSetPage } from './pages/sidecarset-page';
import { createFixture, pods, RolloutPage, setImage } from './rollout-support';
import { applyManifest, kubectl } from './support/cluster';
import { clusterPath } from './support/env';

/**
 * Whatever the cluster holds is shown inert: markup in images, annotations and Event messages
 * stays text, a `javascript:` string is never a link, bidi overrides and control characters show
 * as visible marks instead of reordering text, and a 10 KB string neither runs off nor widens the page.
 */
test.describe.configure({ timeout: 120_000 });

const XSS = '<img src=x onerror="window.__pwned=1">';
const RLO_IMAGE = 'docker.io/library/nginx:1.27\u202egnp.exe';
const LONG = `${'a'.repeat(10_000)}-end`;

async function expectInert(page: Page): Promise<void> {
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  expect(await page.locator('a[href^="javascript:" i]').count()).toBe(0);
  expect(await page.locator('img[src="x"]').count()).toBe(0);
  // Nothing widens the page beyond the viewport.
  const { scroll, client } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  expect(scroll).toBeLessThanOrEqual(client + 1);
}

test('hostile images, annotations and Event messages render inert', async ({ page }) => {
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  const fx = await createFixture('hostile', [{ name: 'web', replicas: 2 }]);
  // An image with a right-to-left override (it would read "…exe.png"), rolled out to the pods.
  setImage(fx, RLO_IMAGE);
  kubectl(['annotate', 'sidecarsets.apps.kruise.io', fx.name, `note=${XSS}`, `long=${LONG}`, 'link=javascript:alert(1)']);
  const now = new Date().toISOString();
  for (const [i, message] of [XSS, 'javascript:alert(1)', `bidi \u202etxt.exe\u202c and \u0007 bell`, LONG].entries()) {
    applyManifest(
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: `${fx.name}.hostile-${i}`, namespace: 'default' },
        involvedObject: { apiVersion: 'apps.kruise.io/v1beta1', kind: 'SidecarSet', name: fx.name },
        reason: i === 0 ? XSS : 'Hostile',
        message,
        type: 'Warning',
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
        source: { component: 'e2e' },
      }),
    );
  }

  const ui = new RolloutPage(page, fx);
  await ui.goto();
  const ss = new SidecarSetPage(page, fx.name);
  const events = ss.events;
  // The three "Hostile" Events say different things: three groups, each message shown as text.
  await expect(events.getByRole('heading', { level: 3, name: 'Hostile Warning ×1 on 1 SidecarSet', exact: true })).toHaveCount(3);
  await expect(events).toContainText('bidi ⟨U+202E⟩txt.exe⟨U+202C⟩ and ⟨U+0007⟩ bell');
  await expect(events).toContainText(XSS);
  await expect(events).toContainText('(+');
  await expect(page.getByText('1.27⟨U+202E⟩gnp.exe').first()).toBeVisible();
  await expectInert(page);
  // A group named by markup opens to its Event, still inert.
  const xss = await ss.openEventGroup(XSS);
  await expect(xss.getByRole('listitem')).toHaveCount(1);
  await expect(xss).toContainText(XSS);
  await expectInert(page);

  for (const path of ['/', clusterPath('/workloads'), clusterPath(`/workloads/${fx.namespace}/Deployment/web`)]) {
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await expectInert(page);
  }
  // A pod that already runs the overridden image (Kruise updates them in place, one at a time).
  const onImage = () =>
    pods(fx)
      .filter((p) => p.spec.containers.some((c) => c.image === RLO_IMAGE))
      .map((p) => p.metadata.name);
  await expect.poll(() => onImage().length, { timeout: 30_000 }).toBeGreaterThan(0);
  const pod = onImage()[0] as string;
  await page.goto(`/pods/${fx.namespace}/${pod}`);
  await expect(page.getByText(/nginx:1\.27⟨U\+202E⟩gnp\.exe/).first()).toBeVisible();
  await expectInert(page);
  expect(dialogs).toEqual([]);
});
