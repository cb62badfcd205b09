import { expect, test } from '@playwright/test';
import { baseURL, clusterPath, contextFor, viewerBaseURL } from './support/env';
import { createFixture, NEW_IMAGE, RolloutPage, setImage, sidecarSet, sidecarSetEvents } from './rollout-support';

test.describe.configure({ timeout: 120_000 });

const ACTIONS = ['Canary upgrade', 'Promote', 'Pause rollout', 'Roll back'] as const;

test.describe('as the viewer', () => {
  test.use({ baseURL: viewerBaseURL });

  test('the viewer cannot act; a forged request is still refused and reported', async ({ page, browser, request }) => {
    const fx = await createFixture('viewer', [{ name: 'web', replicas: 2 }]);
    const ui = new RolloutPage(page, fx);
    await ui.goto();
    for (const name of ACTIONS) await expect(ui.button(name)).toBeDisabled();
    await expect(
      page.getByText(new RegExp(`^Read-only: ${contextFor('viewer')} may not patch sidecarsets\\.apps\\.kruise\\.io`)),
    ).toBeVisible();
    const before = sidecarSet(fx);

    // Forged in the page: enable the button in the DOM and submit its form anyway.
    await ui.button('Pause rollout').evaluate((b) => b.removeAttribute('disabled'));
    await ui.button('Pause rollout').click();
    await expect(
      page.getByText(new RegExp(`^Forbidden: ${contextFor('viewer')} may not patch sidecarsets\\.apps\\.kruise\\.io "viewer-`)),
    ).toBeVisible();

    // Forged on the wire: take a real "Start canary" request from the admin dashboard (same
    // build, same action ids), and send it to the viewer's dashboard.
    const admin = await browser.newPage({ baseURL });
    const adminUi = new RolloutPage(admin, fx);
    await adminUi.goto();
    const d = await adminUi.open('Canary upgrade', 'Canary upgrade');
    await d.getByLabel('New image').fill(NEW_IMAGE);
    const [sent] = await Promise.all([
      admin.waitForRequest(
        (r) => r.method() === 'POST' && r.headers()['next-action'] !== undefined && (r.postData() ?? '').includes(NEW_IMAGE),
      ),
      d.getByRole('button', { name: 'Preview', exact: true }).click(),
    ]);
    await admin.close();
    const body = (sent.postData() ?? '').replace(/(name="(?:_?\d+_)?intent"\r\n\r\n)preview/, '$1apply');
    expect(body).toMatch(/intent"\r\n\r\napply/);
    const headers = {
      'next-action': sent.headers()['next-action'] as string,
      'content-type': sent.headers()['content-type'] as string,
      accept: 'text/x-component',
    };
    // Replayed from outside the dashboard's pages (no Origin, or another one): refused before any action runs.
    for (const origin of [undefined, 'http://evil.example']) {
      const refused = await request.post(`${viewerBaseURL}${clusterPath(`/sidecarsets/${fx.name}`)}`, {
        headers: { ...headers, ...(origin ? { origin } : {}) },
        data: Buffer.from(body),
      });
      expect(refused.status()).toBe(403);
    }
    const res = await request.post(`${viewerBaseURL}${clusterPath(`/sidecarsets/${fx.name}`)}`, {
      headers: { ...headers, origin: viewerBaseURL },
      data: Buffer.from(body),
    });
    expect(res.status()).toBe(200);
    // The action's answer (RSC text): the refusal, as the dialog would show it.
    const answer = await res.text();
    expect(answer).toContain(`Forbidden: ${contextFor('viewer')} may not patch sidecarsets.apps.kruise.io`);
    expect(answer).toContain(fx.name);

    const after = sidecarSet(fx);
    expect(after.metadata.generation).toBe(before.metadata.generation);
    expect(after.spec).toEqual(before.spec);
    expect(sidecarSetEvents(fx)).toHaveLength(0);
  });
});

test('an action from a stale page gets a conflict message and changes nothing', async ({ page }) => {
  const fx = await createFixture('stale', [{ name: 'web', replicas: 3 }]);
  const ui = new RolloutPage(page, fx);
  await ui.goto();
  const d = await ui.open('Canary upgrade', 'Canary upgrade');
  await d.getByLabel('New image').fill(NEW_IMAGE);
  await ui.preview(d);

  // Meanwhile someone else changes the image with kubectl.
  const theirs = 'docker.io/library/busybox:1.36.1';
  setImage(fx, theirs);
  const changed = sidecarSet(fx);

  await d.getByRole('button', { name: 'Start canary' }).click();
  await expect(
    d.getByText('Conflict: the SidecarSet changed since you loaded it. Nothing was changed; look at it again and retry.'),
  ).toBeVisible();
  const after = sidecarSet(fx);
  expect(after.metadata.generation).toBe(changed.metadata.generation);
  expect(after.spec).toEqual(changed.spec);
  expect(after.spec.containers[0]?.image).toBe(theirs);
  expect(after.spec.updateStrategy?.partition).toBe(0);
  expect(sidecarSetEvents(fx)).toHaveLength(0);
});

test('invalid images and partitions are refused with a message and change nothing', async ({ page }) => {
  const fx = await createFixture('invalid', [{ name: 'web', replicas: 4 }]);
  setImage(fx, NEW_IMAGE, { partition: '50%' });
  await expect.poll(() => sidecarSet(fx).status?.updatedReadyPods, { timeout: 30_000 }).toBe(2);
  const before = sidecarSet(fx);
  const ui = new RolloutPage(page, fx);
  await ui.goto();

  const d = await ui.open('Canary upgrade', 'Canary upgrade');
  const image = d.getByLabel('New image');
  await image.fill('Docker.io/Library/BusyBox:1.38');
  await expect(image).toHaveAttribute('aria-invalid', 'true');
  await d.getByRole('button', { name: 'Preview', exact: true }).click();
  await expect(
    d.getByText(/^Nothing was changed: The image is not valid: invalid reference format: repository name must be lowercase/),
  ).toBeVisible();
  await expect(d.getByRole('button', { name: 'Start canary' })).toBeDisabled();
  await image.fill('docker.io/library/busybox:1.38');
  await d.getByLabel('Percent of the matched pods').fill('0');
  await d.getByRole('button', { name: 'Preview', exact: true }).click();
  await expect(d.getByText('Nothing was changed: The canary percentage must be a whole number from 1 to 100.')).toBeVisible();
  await d.getByLabel('Percent of the matched pods').fill('10');
  await d.getByLabel('maxUnavailable (optional)').fill('ten');
  await d.getByRole('button', { name: 'Preview', exact: true }).click();
  await expect(
    d.getByText(
      /^Nothing was changed: admission webhook "vsidecarset\.kb\.io" would deny the request: spec\.updateStrategy\.maxUnavailable: Invalid value: "ten": a valid percent string/,
    ),
  ).toBeVisible();
  await d.getByRole('button', { name: 'Close dialog' }).click();

  const p = await ui.open('Promote', 'Promote the rollout');
  await p.getByRole('radio', { name: 'A partition of my choice' }).check();
  await p.getByLabel('Partition', { exact: true }).fill('abc');
  await p.getByRole('button', { name: 'Preview', exact: true }).click();
  await expect(
    p.getByText(
      /^Nothing was changed: admission webhook "vsidecarset\.kb\.io" would deny the request: spec\.updateStrategy\.partition: Invalid value: "abc": a valid percent string must be a numeric string followed by an ending '%'/,
    ),
  ).toBeVisible();
  await p.getByLabel('Partition', { exact: true }).fill('-1');
  await p.getByRole('button', { name: 'Preview', exact: true }).click();
  await expect(p.getByText(/spec\.updateStrategy\.partition: Invalid value: -1: must be greater than or equal to 0/).first()).toBeVisible();
  await p.getByLabel('Partition', { exact: true }).fill('90%');
  await p.getByRole('button', { name: 'Preview', exact: true }).click();
  await expect(p.getByText(/^Nothing was changed: Promote must lower the partition/)).toBeVisible();
  await expect(p.getByRole('button', { name: 'Promote now' })).toBeDisabled();

  const after = sidecarSet(fx);
  expect(after.metadata.generation).toBe(before.metadata.generation);
  expect(after.spec).toEqual(before.spec);
  expect(after.spec.containers[0]?.image).toBe(NEW_IMAGE);
  expect(sidecarSetEvents(fx)).toHaveLength(0);
});
