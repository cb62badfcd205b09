import { expect, test } from '@playwright/test';
import { SidecarSetPage } from './pages/sidecarset-page';
import { createFixture, expectPreviewOf, OLD_IMAGE, podsOnImage, RolloutPage, sidecarSet, sidecarSetEvents } from './rollout-support';

test.describe.configure({ timeout: 120_000 });

const BROKEN = 'docker.io/library/busybox:1.37-broken';

test('a broken image trips the rollout guard: the rollout pauses and the page says why', async ({ page }) => {
  const fx = await createFixture('guard', [{ name: 'web', replicas: 6 }], {
    annotations: { 'sidecarfleet.io/guard': '{"enabled":true,"maxFailedPods":0,"notReadySeconds":60}' },
  });
  const ui = new RolloutPage(page, fx);
  await ui.goto();
  await expect(page.getByText(/^Rollout guard on/)).toBeVisible();

  const d = await ui.open('Canary upgrade', 'Canary upgrade');
  await d.getByLabel('New image').fill(BROKEN);
  await d.getByRole('radio', { name: /^Percent of matched pods/ }).check();
  await d.getByLabel('Percent of the matched pods').fill('50');
  const listed = await ui.preview(d);
  await expectPreviewOf(d, listed, 3);
  await d.getByRole('button', { name: 'Start canary' }).click();
  await expect(page.getByText(/^Canary started/)).toBeVisible();

  // The first updated pod cannot pull the image; the guard pauses before a second one is touched.
  const banner = page.getByRole('status').filter({ hasText: 'Paused by the rollout guard' });
  await expect(banner).toBeVisible({ timeout: 30_000 });
  await expect(banner).toContainText(/1 of 1 updated pods are failing \((ErrImagePull|ImagePullBackOff) on 1/);
  await expect(ui.button('Resume rollout')).toBeVisible();

  const ss = sidecarSet(fx);
  expect(ss.spec.updateStrategy?.paused).toBe(true);
  expect(ss.status?.updatedPods).toBe(1);
  expect(podsOnImage(fx, BROKEN)).toHaveLength(1);
  expect(podsOnImage(fx, OLD_IMAGE)).toHaveLength(5);
  const guardEvents = sidecarSetEvents(fx).filter((e) => e.reason === 'RolloutGuardPaused');
  expect(guardEvents).toHaveLength(1);
  expect(guardEvents[0]?.type).toBe('Warning');
  expect(guardEvents[0]?.message).toMatch(/paused the rollout: 1 of 1 updated pods are failing/);
  // Its Event is a Warning group on the page.
  const detail = new SidecarSetPage(page, fx.name);
  await expect(detail.eventGroupButton('RolloutGuardPaused')).toHaveAccessibleName('RolloutGuardPaused Warning ×1 on 1 SidecarSet');
  await expect(detail.eventGroup('RolloutGuardPaused')).toContainText(/paused the rollout: 1 of 1 updated pods are failing/);

  // It stays paused: no second pod gets the broken image.
  await page.waitForTimeout(3000);
  expect(sidecarSet(fx).status?.updatedPods).toBe(1);
});
