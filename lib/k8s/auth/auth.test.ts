/**
 * Who the dashboard acts as, against a cluster over HTTPS (the built-in one, or the real control
 * plane with SIDECAR_FLEET_TEST_CLUSTER=real): tokens asked of the cluster, proxy headers trusted
 * only with the shared secret and turned into impersonation, what each user may list, and the
 * sealed session cookie's expiry.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEE_EVERYTHING } from '@/lib/fleet/visibility';
import { type ClusterHandle, startClusterOf, TEST_CLUSTER } from '@/lib/test-support/clusters';
import { reviewAccess } from '../access-review';
import { createFleetClient, type FleetClient } from '../config';
import { computeVisibility } from '../visibility';
import { identityFrom, sessionForIdentity } from './request';
import { readSession, sealSession } from './session';
import { type AuthSettings, parseAuthSettings } from './settings';
import { whoAmI } from './whoami';

let cluster: ClusterHandle;
let base: FleetClient;

beforeAll(async () => {
  cluster = await startClusterOf(TEST_CLUSTER, { fleet: 'demo' });
  base = createFleetClient({ kubeconfigPath: cluster.kubeconfigPath });
}, 300_000);

afterAll(async () => {
  await cluster?.stop();
});

const headers = (h: Record<string, string | undefined>) => ({ get: (name: string) => h[name.toLowerCase()] ?? null });
const proxy = (secret?: string): AuthSettings =>
  parseAuthSettings({ SIDECAR_FLEET_AUTH: 'proxy', ...(secret ? { SIDECAR_FLEET_PROXY_SECRET: secret } : {}) });

describe('whoAmI', () => {
  it('names the user of a token the cluster accepts, and refuses one it does not', async () => {
    const viewer = await whoAmI(base, cluster.tokens.viewer as string);
    expect(viewer.ok && viewer.value.user).toBe('viewer');
    const bad = await whoAmI(base, 'not-a-token');
    expect(bad.ok === false && bad.error.kind).toBe('Unauthorized');
  });
});

describe('proxy mode', () => {
  const SECRET = 'a-shared-secret-of-some-length';

  it('trusts identity headers only with the shared secret, and acts through impersonation', async () => {
    const id = await identityFrom(
      headers({ 'x-forwarded-user': 'viewer', 'x-sidecar-fleet-proxy-secret': SECRET }),
      undefined,
      proxy(SECRET),
      () => base,
    );
    expect(id).toEqual({ kind: 'impersonated', user: 'viewer', groups: [] });
    const session = sessionForIdentity(id, { client: base, identity: base.identity });
    // The dashboard's own identity (admin) may patch; impersonating the viewer, it may not.
    const patch = { verb: 'patch', group: 'apps.kruise.io', resource: 'sidecarsets' };
    expect((await reviewAccess({ client: base, identity: base.identity }, patch, true)).ok).toBe(true);
    const asViewer = await reviewAccess(session, patch, true);
    expect(asViewer.ok && asViewer.value.allowed).toBe(false);

    for (const forged of [
      {},
      { 'x-sidecar-fleet-proxy-secret': 'wrong-secret-of-same-size!!!!!' },
      { 'x-sidecar-fleet-proxy-secret': SECRET.slice(1) },
    ]) {
      const none = await identityFrom(headers({ 'x-forwarded-user': 'admin', ...forged }), undefined, proxy(SECRET), () => base);
      expect(none).toEqual({ kind: 'none', reason: 'no-proxy-identity' });
    }
    // No secret configured: identity headers are never trusted.
    expect(
      await identityFrom(headers({ 'x-forwarded-user': 'admin', 'x-sidecar-fleet-proxy-secret': SECRET }), undefined, proxy(), () => base),
    ).toEqual({
      kind: 'none',
      reason: 'no-proxy-identity',
    });
  });

  it('takes a forwarded bearer token as its owner, and refuses a bad one', async () => {
    const ok = await identityFrom(headers({ authorization: `Bearer ${cluster.tokens.editor}` }), undefined, proxy(), () => base);
    expect(ok).toMatchObject({ kind: 'token', user: 'editor', via: 'proxy' });
    const bad = await identityFrom(headers({ authorization: 'Bearer nope' }), undefined, proxy(), () => base);
    expect(bad).toEqual({ kind: 'none', reason: 'rejected' });
  });

  it('passes several groups to the cluster as separate headers', async () => {
    const id = await identityFrom(
      headers({ 'x-forwarded-user': 'someone', 'x-forwarded-groups': 'team-a, system:masters', 'x-sidecar-fleet-proxy-secret': SECRET }),
      undefined,
      proxy(SECRET),
      () => base,
    );
    expect(id).toEqual({ kind: 'impersonated', user: 'someone', groups: ['team-a', 'system:masters'] });
    // system:masters arrives as its own group: the impersonated request may patch.
    const r = await reviewAccess(
      sessionForIdentity(id, { client: base, identity: base.identity }),
      { verb: 'patch', group: 'apps.kruise.io', resource: 'sidecarsets' },
      true,
    );
    expect(r.ok && r.value.allowed).toBe(true);
  });
});

describe('what each user may list', () => {
  const namespaces = ['payments', 'checkout', 'catalog', 'platform'];
  const as = async (user: string) => {
    const id = { kind: 'token' as const, user, groups: [], token: cluster.tokens[user] as string, via: 'session' as const };
    return computeVisibility(sessionForIdentity(id, { client: base, identity: base.identity }), namespaces, 'kruise-system');
  };

  it('admin and viewer see everything; restricted sees no pod of payments', async () => {
    expect(await as('admin')).toBe(SEE_EVERYTHING);
    expect(await as('viewer')).toBe(SEE_EVERYTHING);
    const restricted = await as('restricted');
    expect(restricted.pods).toEqual(new Set(['checkout', 'catalog', 'platform']));
    expect([restricted.events, restricted.workloads, restricted.sidecarSets, restricted.namespaces]).toEqual(['all', 'all', true, true]);
  });
});

describe('the session cookie', () => {
  const settings = parseAuthSettings({
    SIDECAR_FLEET_AUTH: 'token',
    SIDECAR_FLEET_SESSION_SECRET: 'x'.repeat(40),
    SIDECAR_FLEET_SESSION_IDLE_MINUTES: '30',
    SIDECAR_FLEET_SESSION_MAX_HOURS: '8',
  });
  const t0 = Date.parse('2026-11-30T08:00:00Z');
  const data = { user: 'viewer', groups: [], token: 'tok', issuedAt: t0, lastSeen: t0 };

  it('opens only with its own secret, and ends when idle or too old', async () => {
    const sealed = await sealSession(data, settings);
    expect(sealed).not.toContain('tok');
    expect(await readSession(sealed, settings, t0 + 1000)).toEqual({ state: 'valid', session: data, refresh: false });
    expect((await readSession(sealed, settings, t0 + 29 * 60_000)).state).toBe('valid');
    expect(await readSession(sealed, settings, t0 + 31 * 60_000)).toEqual({ state: 'expired', why: 'idle' });
    const busy = await sealSession({ ...data, lastSeen: t0 + 8 * 3_600_000 }, settings);
    expect(await readSession(busy, settings, t0 + 8 * 3_600_000 + 60_000)).toEqual({ state: 'expired', why: 'absolute' });
    const other = parseAuthSettings({ SIDECAR_FLEET_AUTH: 'token', SIDECAR_FLEET_SESSION_SECRET: 'y'.repeat(40) });
    expect(await readSession(sealed, other, t0 + 1000)).toEqual({ state: 'none' });
    expect(await readSession(`${sealed.slice(0, -2)}xx`, settings, t0 + 1000)).toEqual({ state: 'none' });
  });

  it('refuses a short secret and an unknown mode', () => {
    expect(() => parseAuthSettings({ SIDECAR_FLEET_AUTH: 'token', SIDECAR_FLEET_SESSION_SECRET: 'short' })).toThrow(/at least 32/);
    expect(() => parseAuthSettings({ SIDECAR_FLEET_AUTH: 'open' })).toThrow(/local, token, proxy/);
  });
});
