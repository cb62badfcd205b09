import { expect, test } from '@playwright/test';
import { createFixture, NEW_IMAGE, OLD_IMAGE, podsOnImage, RolloutPage, setImage, sidecarSet, sidecarSetEvents } from './rollout-support';

test.describe.configure({ timeout: 120_000 });

test('roll back to the images of an earlier revision, with a preview', async ({ page }) => {
  const fx = await createFixture('rb', [{ name: 'web', replicas: 4 }], { maxUnavailable: 2 });
  // Revision 2 (the new image) rolled out everywhere; revision 1 (the old one) is in the history.
  setImage(fx, NEW_IMAGE);
  await expect.poll(() => sidecarSet(fx).status?.updatedReadyPods, { timeout: 30_000 }).toBe(4);
  expect(podsOnImage(fx, NEW_IMAGE)).toHaveLength(4);

  const ui = new RolloutPage(page, fx);
  await ui.goto();
  const d = await ui.open('Roll back', 'Roll back to an earlier revision');
  const choice = d.getByRole('radio', { name: /^Revision 1 / });
  await expect(choice).toBeChecked();
  await expect(d.getByRole('group', { name: 'Revision to go back to' })).toContainText(`log-agent: ${OLD_IMAGE}`);
  const listed = await ui.preview(d);
  expect(listed).toEqual(podsOnImage(fx, NEW_IMAGE));
  await expect(d.getByRole('table', { name: 'Spec change' })).toContainText(OLD_IMAGE);
  await d.getByRole('button', { name: 'Roll back now' }).click();
  await expect(page.getByText(/^Rolled back: to revision 1/)).toBeVisible();

  expect(sidecarSet(fx).spec.containers[0]?.image).toBe(OLD_IMAGE);
  await expect.poll(() => podsOnImage(fx, OLD_IMAGE).length, { timeout: 30_000 }).toBe(4);
  await expect.poll(() => sidecarSet(fx).status?.updatedReadyPods, { timeout: 30_000 }).toBe(4);
  expect(sidecarSetEvents(fx).map((e) => e.reason)).toEqual(['RolledBack']);
});
