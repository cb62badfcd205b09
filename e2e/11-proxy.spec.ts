import { expect, test } from '@playwright/test';
import { createFixture, RolloutPage, sidecarSet, sidecarSetEvents } from './rollout-support';
import { apiPath, PROXY_SECRET, proxyBaseURL } from './support/env';
import { tokenFor } from './support/users';

/**
 * Proxy mode: behind an authenticating proxy (oauth2-proxy, an OIDC ingress). These specs play the
 * proxy: identity headers count only with the shared secret and reach the cluster as impersonation;
 * a forwarded bearer token is its owner's.
 */
test.use({ baseURL: proxyBaseURL });
test.describe.configure({ timeout: 120_000 });

test('without an identity the proxy vouches for, nothing is answered', async ({ request }) => {
  const page = await request.get('/');
  expect(page.status()).toBe(401);
  expect(await page.text()).toContain('Sign in through the proxy in front of this dashboard');
  expect((await request.get(apiPath('/overview'))).status()).toBe(401);
  expect((await request.get(apiPath('/live?view=/overview'))).status()).toBe(401);
  // Identity headers without the secret, or with a wrong one, are ignored.
  for (const secret of [undefined, 'wrong-secret-of-some-length']) {
    const r = await request.get(apiPath('/overview'), {
      headers: {
        'x-forwarded-user': 'admin',
        'x-forwarded-groups': 'system:masters',
        ...(secret ? { 'x-sidecar-fleet-proxy-secret': secret } : {}),
      },
    });
    expect(r.status()).toBe(401);
  }
  expect((await request.get(apiPath('/overview'), { headers: { authorization: 'Bearer not-a-token' } })).status()).toBe(401);
});

test('identity headers with the secret act as that user through impersonation: the Event names them', async ({ browser }) => {
  const fx = await createFixture('proxy-editor', [{ name: 'web', replicas: 2 }]);
  const context = await browser.newContext({
    baseURL: proxyBaseURL,
    extraHTTPHeaders: { 'x-forwarded-user': 'editor', 'x-sidecar-fleet-proxy-secret': PROXY_SECRET },
  });
  const page = await context.newPage();
  const ui = new RolloutPage(page, fx);
  await ui.goto();
  const badge = page.getByRole('region', { name: 'Cluster' });
  await expect(badge).toContainText('as editor ·');
  await expect(badge).toContainText('via the sign-in proxy');
  // The page's live stream is up as the same person: changes are pushed to it.
  await expect(page.locator('html')).toHaveAttribute('data-live-streams', '1');
  await ui.button('Pause rollout').click();
  await expect(page.getByText(`Paused ${fx.name}`)).toBeVisible();
  expect(sidecarSet(fx).spec.updateStrategy?.paused).toBe(true);
  const events = sidecarSetEvents(fx);
  expect(events.map((e) => [e.reason, e.message.split(' ')[0]])).toEqual([['RolloutPaused', 'editor']]);
  await context.close();
});

test('a forwarded bearer token is its owner: the viewer is read-only', async ({ browser }) => {
  const fx = await createFixture('proxy-viewer', [{ name: 'web', replicas: 2 }]);
  const viewer = tokenFor('viewer');
  const context = await browser.newContext({ baseURL: proxyBaseURL, extraHTTPHeaders: { authorization: `Bearer ${viewer.token}` } });
  const page = await context.newPage();
  const ui = new RolloutPage(page, fx);
  await ui.goto();
  const badge = page.getByRole('region', { name: 'Cluster' });
  await expect(badge).toContainText(`as ${viewer.name} ·`);
  await expect(badge).toContainText('via the sign-in proxy');
  await expect(ui.button('Pause rollout')).toBeDisabled();
  await context.close();
});
