import { expect, type Page, test } from '@playwright/test';
import { sealData } from 'iron-session';
import { SidecarSetPage } from './pages/sidecarset-page';
import { createFixture, NEW_IMAGE, OLD_IMAGE, RolloutPage, sidecarSet, sidecarSetEvents } from './rollout-support';
import { kubectl } from './support/cluster';
import { apiPath, clusterPath, TOKEN_SESSION_SECRET, tokenBaseURL } from './support/env';
import { tokenFor } from './support/users';

/**
 * Token mode: a sign-in page takes a bearer token, and each person then acts as themselves. This
 * dashboard's own identity (the cluster's admin) only feeds the shared cache.
 */
test.use({ baseURL: tokenBaseURL });
test.describe.configure({ timeout: 120_000 });

async function signIn(page: Page, token: string): Promise<void> {
  await page.goto('/sign-in');
  await page.getByLabel('Token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('region', { name: 'Cluster' })).toContainText('signed in with a token', { timeout: 20_000 });
}

/**
 * The first view a live stream pushes (`event: view`), read in the page (its session cookie) and
 * then closed; undefined when the stream answered with an error status or a `failed` event.
 */
async function firstLiveView(page: Page, view: string): Promise<string | undefined> {
  const url = `${apiPath('/live')}?view=${encodeURIComponent(view)}`;
  return page.evaluate(async (u) => {
    const ctl = new AbortController();
    const res = await fetch(u, { signal: ctl.signal });
    if (!res.ok || !res.body) return undefined;
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return undefined;
        text += value;
        for (const block of text.split('\n\n').slice(0, -1)) {
          const lines = block.split('\n');
          const data = lines.find((l) => l.startsWith('data: '))?.slice(6);
          if (lines.includes('event: view')) return data;
          if (lines.includes('event: failed')) return undefined;
        }
      }
    } finally {
      ctl.abort();
    }
  }, url);
}

test('signed out: pages send to the sign-in page, API routes and server actions answer 401', async ({ page, request }) => {
  await page.goto(clusterPath('/workloads?ns=payments'));
  await expect(page).toHaveURL(new RegExp(`/sign-in\\?next=${encodeURIComponent(clusterPath('/workloads?ns=payments'))}$`));
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in to Sidecar Fleet' })).toBeVisible();
  // Nothing about the cluster is told to a stranger.
  await expect(page.getByRole('region', { name: 'Cluster' })).toHaveCount(0);
  for (const path of [
    apiPath('/cluster'),
    apiPath('/overview'),
    apiPath('/workloads'),
    apiPath('/pulse'),
    apiPath('/sidecarsets/istio-proxy'),
    apiPath('/live?view=/overview'),
  ]) {
    const r = await request.get(path);
    expect(r.status(), path).toBe(401);
    expect(await r.json()).toEqual({ error: { kind: 'Unauthorized', message: 'Sign in to use the dashboard.' } });
  }
  const action = await request.post(clusterPath('/sidecarsets/istio-proxy'), {
    headers: { 'next-action': '7f00000000000000000000000000000000000000', origin: tokenBaseURL, 'content-type': 'text/plain' },
    data: '[]',
  });
  expect(action.status()).toBe(401);
});

test('a bad token gets a clear message; many wrong attempts are slowed down', async ({ browser }) => {
  // A client address of its own, so the limit does not touch the other specs' sign-ins.
  const context = await browser.newContext({
    baseURL: tokenBaseURL,
    extraHTTPHeaders: { 'x-forwarded-for': `10.9.${Date.now() % 250}.7` },
  });
  const page = await context.newPage();
  await page.goto('/sign-in');
  const alert = page.locator('#sign-in-message');
  // Each attempt waits for the server's answer (a new answer time), so none is counted twice or skipped.
  const attempt = async (token: string) => {
    const before = await alert.getAttribute('data-answered-at');
    await page.getByLabel('Token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(alert).not.toHaveAttribute('data-answered-at', before ?? '0');
  };
  for (let i = 0; i < 10; i++) {
    await attempt(`not-a-token-${i}`);
    await expect(alert).toHaveText('The cluster did not accept this token: it is wrong, expired or revoked.');
  }
  await attempt('not-a-token-again');
  await expect(alert).toHaveText('Too many sign-in attempts: wait a few minutes and try again.');
  await context.close();
});

test('the viewer sees read-only pages, and a forged action is refused and changes nothing', async ({ page }) => {
  const fx = await createFixture('tok-viewer', [{ name: 'web', replicas: 2 }]);
  const viewer = tokenFor('viewer');
  await signIn(page, viewer.token);
  await expect(page.getByRole('region', { name: 'Cluster' })).toContainText(`as ${viewer.name}`);
  const ui = new RolloutPage(page, fx);
  await ui.goto();
  await expect(ui.button('Pause rollout')).toBeDisabled();
  await expect(page.getByText(/^Read-only: .* may not patch sidecarsets\.apps\.kruise\.io/)).toBeVisible();
  const before = sidecarSet(fx);
  await ui.button('Pause rollout').evaluate((b) => b.removeAttribute('disabled'));
  await ui.button('Pause rollout').click();
  await expect(page.getByText(/^Forbidden: .* may not patch sidecarsets\.apps\.kruise\.io/)).toBeVisible();
  expect(sidecarSet(fx).spec).toEqual(before.spec);
  expect(sidecarSet(fx).metadata.generation).toBe(before.metadata.generation);
  expect(sidecarSetEvents(fx)).toHaveLength(0);
});

test('a signed-in page gets its changes pushed over its live stream, and polls nothing meanwhile', async ({ page }) => {
  const fx = await createFixture('tok-live', [{ name: 'web', replicas: 1 }]);
  await signIn(page, tokenFor('viewer').token);
  const ss = new SidecarSetPage(page, fx.name);
  await ss.goto();
  await expect(page.locator('html')).toHaveAttribute('data-live-streams', '1');
  await expect(ss.spec).toContainText(OLD_IMAGE);
  const polled: string[] = [];
  page.on('request', (r) => {
    const p = new URL(r.url()).pathname;
    if (p.endsWith('/pulse') || p.endsWith(`/sidecarsets/${fx.name}`)) polled.push(p);
  });
  kubectl([
    'patch',
    'sidecarset',
    fx.name,
    '--type=json',
    '-p',
    JSON.stringify([{ op: 'replace', path: '/spec/containers/0/image', value: NEW_IMAGE }]),
  ]);
  await expect(ss.spec).toContainText(NEW_IMAGE, { timeout: 10_000 });
  expect(polled).toEqual([]);
});

test('the admin starts a canary, and the audit Event names the admin', async ({ page }) => {
  const fx = await createFixture('tok-admin', [{ name: 'web', replicas: 4 }]);
  const admin = tokenFor('admin');
  await signIn(page, admin.token);
  const ui = new RolloutPage(page, fx);
  await ui.goto();
  const d = await ui.open('Canary upgrade', 'Canary upgrade');
  await d.getByLabel('New image').fill(NEW_IMAGE);
  await d.getByRole('radio', { name: /^Percent of matched pods/ }).check();
  await d.getByLabel('Percent of the matched pods').fill('25');
  await ui.preview(d);
  await d.getByRole('button', { name: 'Start canary' }).click();
  await expect(page.getByText(/^Canary started/)).toBeVisible();
  expect(sidecarSet(fx).spec.containers[0]?.image).toBe(NEW_IMAGE);
  const events = sidecarSetEvents(fx);
  expect(events.map((e) => e.reason)).toEqual(['CanaryStarted']);
  expect(events[0]?.message.startsWith(`${admin.name} started a canary via Sidecar Fleet`)).toBe(true);
});

test('the restricted user sees no pod of a namespace it may not read, on any page or route', async ({ page }) => {
  const hidden = kubectl(['get', 'pods', '-n', 'payments', '-o', 'jsonpath={.items[*].metadata.name}']).trim().split(/\s+/);
  expect(hidden.length).toBeGreaterThan(0);
  const restricted = tokenFor('restricted');
  await signIn(page, restricted.token);
  const workload = kubectl(['get', 'deployments', '-n', 'payments', '-o', 'jsonpath={.items[0].metadata.name}']).trim();
  const sidecarSets = kubectl(['get', 'sidecarsets.apps.kruise.io', '-o', 'jsonpath={.items[*].metadata.name}']).trim().split(/\s+/);
  const routes = [
    '/',
    clusterPath('/workloads'),
    clusterPath('/workloads?ns=payments'),
    clusterPath(`/workloads/payments/Deployment/${workload}`),
    ...sidecarSets.map((s) => clusterPath(`/sidecarsets/${s}`)),
    clusterPath(`/pods/payments/${hidden[0]}`),
    apiPath('/overview'),
    apiPath('/workloads'),
    apiPath('/workloads?ns=payments'),
    apiPath(`/workloads/payments/Deployment/${workload}`),
    ...sidecarSets.flatMap((s) => [apiPath(`/sidecarsets/${s}`), apiPath(`/sidecarsets/${s}/rollout/dialog`)]),
    apiPath(`/pods/payments/${hidden[0]}`),
  ];
  for (const route of routes) {
    const res = await page.request.get(route);
    const body = await res.text();
    // The same view pushed over its live stream is cut to the person's access in the same way.
    const view = route.startsWith(apiPath('/')) && !route.endsWith('/dialog') ? route.slice(apiPath('').length) : undefined;
    const pushed = view ? await firstLiveView(page, view) : undefined;
    if (view) expect(pushed === undefined, `${route} pushed`).toBe(res.status() !== 200);
    for (const name of hidden.filter((n) => !route.includes(n)))
      expect(pushed?.includes(name) ?? false, `${route} pushed pod ${name}`).toBe(false);
    // A route may repeat the name its own URL carries (the person typed it); any other is a leak.
    for (const name of hidden.filter((n) => !route.includes(n))) expect(body.includes(name), `${route} names pod ${name}`).toBe(false);
    if (route.startsWith(clusterPath('/pods/payments/')) || route.startsWith(apiPath('/pods/payments/')))
      expect(res.status(), route).toBe(404);
  }
});

test('an expired session sends back to the sign-in page and says why', async ({ page, context }) => {
  const viewer = tokenFor('viewer');
  const longAgo = Date.now() - 2 * 3_600_000;
  const expired = await sealData(
    { user: viewer.name, groups: [], token: viewer.token, issuedAt: longAgo, lastSeen: longAgo },
    { password: TOKEN_SESSION_SECRET },
  );
  await context.addCookies([{ name: 'sidecar_fleet_session', value: expired, url: tokenBaseURL, httpOnly: true, sameSite: 'Strict' }]);
  await page.goto(clusterPath('/workloads'));
  await expect(page).toHaveURL(new RegExp(`/sign-in\\?next=${encodeURIComponent(clusterPath('/workloads'))}&expired=1$`));
  await expect(page.locator('#sign-in-message')).toHaveText('Your session has expired: sign in again.');
  expect((await context.cookies()).find((c) => c.name === 'sidecar_fleet_session')).toBeUndefined();
});

test('security headers, the session cookie, and no token in any response', async ({ page, request }) => {
  const admin = tokenFor('admin');
  await signIn(page, admin.token);
  const cookie = (await page.context().cookies()).find((c) => c.name === 'sidecar_fleet_session');
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
  expect(cookie?.value.includes(admin.token)).toBe(false);
  for (const path of ['/', clusterPath('/workloads'), apiPath('/overview'), apiPath('/cluster'), '/sign-in']) {
    const res = await page.request.get(path);
    const h = res.headers();
    expect(h['x-content-type-options'], path).toBe('nosniff');
    expect(h['referrer-policy'], path).toBe('no-referrer');
    expect(h['x-frame-options'], path).toBe('DENY');
    expect(h['x-powered-by'], path).toBeUndefined();
    expect(h['content-security-policy'], path).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'; .*frame-ancestors 'none'/);
    const scriptSrc = (h['content-security-policy'] ?? '').split(';').find((d) => d.trim().startsWith('script-src')) ?? '';
    expect(scriptSrc, path).not.toContain('unsafe-inline');
    expect((await res.text()).includes(admin.token), `${path} carries the token`).toBe(false);
  }
  // A foreign Host (DNS rebinding) or Origin is refused before anything runs.
  expect((await request.get('/sign-in', { headers: { host: 'evil.example' } })).status()).toBe(421);
  expect((await request.post('/sign-in', { headers: { origin: 'http://evil.example' }, data: 'x' })).status()).toBe(403);
});
