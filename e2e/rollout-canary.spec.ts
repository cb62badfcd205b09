import { expect, test } from '@playwright/test';
import { SidecarSetPage } from './pages/sidecarset-page';
import {
  createFixture,
  expectPreviewOf,
  expectUpdatedAmong,
  NEW_IMAGE,
  OLD_IMAGE,
  podsOnImage,
  pods,
  RolloutPage,
  sidecarSet,
  sidecarSetEvents,
} from './rollout-support';

/** A canary by percent, by label and by workload, then promotion to the whole fleet; kubectl checks each. */

test.describe.configure({ timeout: 120_000 });

test('a canary by percent updates the pods the preview listed, then promote to the whole fleet', async ({ page }) => {
  const fx = await createFixture('pct', [{ name: 'web', replicas: 10 }]);
  const ui = new RolloutPage(page, fx);
  await ui.goto();

  const d = await ui.open('Canary upgrade', 'Canary upgrade');
  await expect(d.getByLabel('Container')).toHaveValue('log-agent');
  await d.getByLabel('New image').fill(NEW_IMAGE);
  await d.getByRole('radio', { name: /^Percent of matched pods/ }).check();
  await d.getByLabel('Percent of the matched pods').fill('30');
  await d.getByLabel('maxUnavailable (optional)').fill('3');
  const listed = await ui.preview(d);
  // 30% of 10: partition "70%" keeps 7; maxUnavailable 3 lets all 3 go in the first round.
  await expect(d.getByTestId('preview-cover')).toHaveText('3 pods');
  await expectPreviewOf(d, listed, 3);
  await expect(d.getByText(/The next round updates 3 pods/)).toBeVisible();
  await expect(d.getByRole('table', { name: 'Spec change' })).toContainText('containers[0] log-agent image');
  await expect(d.getByRole('table', { name: 'Spec change' })).toContainText('"70%"');

  await d.getByRole('button', { name: 'Start canary' }).click();
  await expect(page.getByText(/^Canary started: log-agent image/)).toBeVisible();

  // The image and partition changed in one request; 3 of the listed pods get the new image.
  const after = sidecarSet(fx);
  expect(after.spec.containers[0]?.image).toBe(NEW_IMAGE);
  expect(after.spec.updateStrategy?.partition).toBe('70%');
  expect(after.spec.updateStrategy?.maxUnavailable).toBe(3);
  await expect.poll(() => sidecarSet(fx).status?.updatedReadyPods, { timeout: 30_000 }).toBe(3);
  expectUpdatedAmong(podsOnImage(fx, NEW_IMAGE), listed, 3);
  expect(podsOnImage(fx, OLD_IMAGE)).toHaveLength(7);
  expect(sidecarSetEvents(fx).map((e) => e.reason)).toContain('CanaryStarted');
  // The audit Event shows in the SidecarSet's events: a group of one, which opens to the Event itself.
  const detail = new SidecarSetPage(page, fx.name);
  await expect(detail.eventGroupButton('CanaryStarted')).toHaveAccessibleName('CanaryStarted ×1 on 1 SidecarSet');
  const started = await detail.openEventGroup('CanaryStarted');
  await expect(started.getByRole('listitem')).toHaveCount(1);
  await expect(started).toContainText(`SidecarSet ${fx.name}`);

  // Promote to the whole fleet: it asks for the name first.
  const p = await ui.open('Promote', 'Promote the rollout');
  await p.getByRole('radio', { name: /^The whole fleet/ }).check();
  await expect(p.getByRole('button', { name: 'Promote now' })).toBeDisabled();
  await p.getByLabel(/^Type .* to roll out to the whole fleet$/).fill(fx.name);
  const rest = await ui.preview(p);
  expect(rest).toHaveLength(7);
  await p.getByRole('button', { name: 'Promote now' }).click();
  await expect(page.getByText(/^Promoted: partition "70%" → 0/)).toBeVisible();
  expect(sidecarSet(fx).spec.updateStrategy?.partition).toBe(0);
  await expect.poll(() => sidecarSet(fx).status?.updatedReadyPods, { timeout: 40_000 }).toBe(10);
  expect(podsOnImage(fx, NEW_IMAGE)).toHaveLength(10);
  expect(
    sidecarSetEvents(fx)
      .map((e) => e.reason)
      .sort(),
  ).toEqual(['CanaryStarted', 'RolloutPromoted']);
});

test('a canary by label updates only the pods carrying it, through updateStrategy.selector', async ({ page }) => {
  const fx = await createFixture('sel', [
    { name: 'web', replicas: 4, labels: { tier: 'web' } },
    { name: 'api', replicas: 3, labels: { tier: 'api' } },
  ]);
  const ui = new RolloutPage(page, fx);
  await ui.goto();
  const d = await ui.open('Canary upgrade', 'Canary upgrade');
  await d.getByLabel('New image').fill(NEW_IMAGE);
  await d.getByRole('radio', { name: /^Pods with a label/ }).check();
  await d.getByLabel('Pod label', { exact: true }).selectOption('tier=api');
  const listed = await ui.preview(d);
  const apiPods = pods(fx)
    .filter((p) => p.metadata.labels?.tier === 'api')
    .map((p) => `${p.metadata.namespace}/${p.metadata.name}`)
    .sort();
  expect(listed).toEqual(apiPods);
  await d.getByRole('button', { name: 'Start canary' }).click();
  await expect(page.getByText(/^Canary started/)).toBeVisible();

  const ss = sidecarSet(fx);
  // Kruise refuses a set partition with a selector: partition is an int 0.
  expect(ss.spec.updateStrategy).toMatchObject({ partition: 0, selector: { matchLabels: { tier: 'api' } } });
  await expect.poll(() => sidecarSet(fx).status?.updatedReadyPods, { timeout: 30_000 }).toBe(3);
  expect(podsOnImage(fx, NEW_IMAGE)).toEqual(apiPods);
});

test('a canary by workload labels exactly its pods and updates them', async ({ page }) => {
  const fx = await createFixture('wl', [
    { name: 'web', replicas: 3 },
    { name: 'worker', replicas: 2 },
  ]);
  const ui = new RolloutPage(page, fx);
  await ui.goto();
  const d = await ui.open('Canary upgrade', 'Canary upgrade');
  await d.getByLabel('New image').fill(NEW_IMAGE);
  await d.getByRole('radio', { name: /^A workload/ }).check();
  await d.getByLabel('Workload', { exact: true }).selectOption(`${fx.namespace}/Deployment/worker`);
  const listed = await ui.preview(d);
  expect(listed).toHaveLength(2);
  expect(listed.every((p) => p.startsWith(`${fx.namespace}/worker-`))).toBe(true);
  await d.getByRole('button', { name: 'Start canary' }).click();
  await expect(page.getByText(/^Canary started/)).toBeVisible();
  await expect.poll(() => sidecarSet(fx).status?.updatedReadyPods, { timeout: 30_000 }).toBe(2);
  expect(podsOnImage(fx, NEW_IMAGE)).toEqual(listed);
  const key = `canary.sidecarfleet.io/${fx.name}`;
  const selector = sidecarSet(fx).spec.updateStrategy?.selector as { matchLabels: Record<string, string> };
  const token = selector.matchLabels[key];
  expect(token).toMatch(/^c[0-9a-z]+$/);
  expect(
    pods(fx)
      .filter((p) => p.metadata.labels?.[key] === token)
      .map((p) => `${p.metadata.namespace}/${p.metadata.name}`)
      .sort(),
  ).toEqual(listed);
});
