import { expect, test } from '@playwright/test';
import { kubectl } from './support/cluster';
import { clusterPath, primaryCluster } from './support/env';
import { createFixture, NEW_IMAGE, RolloutPage, setImage, sidecarSet, sidecarSetEvents } from './rollout-support';

const BROKEN = 'docker.io/library/busybox:1.37-broken';

test.describe.configure({ timeout: 120_000 });

test('pause in the middle of a rollout stops further updates, and resume continues', async ({ page }) => {
  const fx = await createFixture('pause', [{ name: 'web', replicas: 10 }]);
  const ui = new RolloutPage(page, fx);
  await ui.goto();
  await expect(ui.button('Pause rollout')).toBeEnabled();

  // A rollout one pod at a time, started by someone else with kubectl.
  setImage(fx, NEW_IMAGE, { partition: 0, maxUnavailable: 1 });
  await expect.poll(() => sidecarSet(fx).status?.updatedPods ?? 0, { timeout: 20_000 }).toBeGreaterThanOrEqual(1);
  await ui.button('Pause rollout').click();
  await expect(page.getByText(/^Paused .*: no further pod is updated/)).toBeVisible();
  await expect(ui.button('Resume rollout')).toBeVisible();

  const atPause = sidecarSet(fx);
  expect(atPause.spec.updateStrategy?.paused).toBe(true);
  const updated = atPause.status?.updatedPods ?? 0;
  expect(updated).toBeGreaterThanOrEqual(1);
  expect(updated).toBeLessThan(10);
  // Give the controller time to do more if it were going to: nothing new gets the image.
  await page.waitForTimeout(4000);
  expect(sidecarSet(fx).status?.updatedPods).toBe(updated);

  await ui.button('Resume rollout').click();
  await expect(page.getByText(/^Resumed .*: the rollout continues/)).toBeVisible();
  expect(sidecarSet(fx).spec.updateStrategy?.paused).toBe(false);
  await expect.poll(() => sidecarSet(fx).status?.updatedReadyPods, { timeout: 60_000 }).toBe(10);
  expect(
    sidecarSetEvents(fx)
      .map((e) => e.reason)
      .sort(),
  ).toEqual(['RolloutPaused', 'RolloutResumed']);
});

function pausedState(): Map<string, boolean> {
  const list = JSON.parse(kubectl(['get', 'sidecarsets.apps.kruise.io', '-o', 'json'])) as {
    items: Array<{ metadata: { name: string }; spec: { updateStrategy?: { paused?: boolean } } }>;
  };
  return new Map(list.items.map((s) => [s.metadata.name, s.spec.updateStrategy?.paused === true]));
}

test('"pause every rollout in progress" asks first, then pauses each one', async ({ page }) => {
  const a = await createFixture('all-a', [{ name: 'web', replicas: 6 }]);
  const b = await createFixture('all-b', [{ name: 'web', replicas: 6 }]);
  // Other SidecarSets of the shared cluster may be in progress too; they get resumed afterwards.
  const before = pausedState();
  // Broken images: the first updated pod never becomes ready, so both rollouts stay in progress.
  setImage(a, BROKEN, { maxUnavailable: 1 });
  setImage(b, BROKEN, { maxUnavailable: 1 });
  await expect.poll(() => sidecarSet(b).status?.updatedPods, { timeout: 20_000 }).toBe(1);
  try {
    await page.goto(clusterPath());
    const open = page.getByRole('button', { name: 'Pause every rollout in progress' });
    await expect(open).toBeEnabled();
    await open.click();
    const d = page.getByRole('dialog', { name: 'Pause every rollout in progress?' });
    await expect(d.getByRole('list', { name: 'Rollouts in progress' })).toContainText(a.name);
    await expect(d.getByRole('list', { name: 'Rollouts in progress' })).toContainText(b.name);
    // The confirmation names the cluster it acts on.
    await expect(d).toContainText(`In cluster ${primaryCluster}`);
    await d.getByRole('button', { name: new RegExp(`^Pause \\d+ rollouts? in ${primaryCluster}$`) }).click();
    await expect(d.getByText(/^Paused \d+ rollouts? \(/)).toBeVisible();
    expect(sidecarSet(a).spec.updateStrategy?.paused).toBe(true);
    expect(sidecarSet(b).spec.updateStrategy?.paused).toBe(true);
    expect(sidecarSetEvents(a).map((e) => e.reason)).toEqual(['RolloutPaused']);
  } finally {
    // Put back what this test paused in the shared cluster (and only that).
    for (const [name, pausedNow] of pausedState()) {
      if (pausedNow && before.get(name) === false) {
        kubectl(['patch', 'sidecarsets.apps.kruise.io', name, '--type', 'merge', '-p', '{"spec":{"updateStrategy":{"paused":false}}}']);
      }
    }
  }
});
