/**
 * Integration tests of the door against the built-in cluster over HTTPS (no mocks): paged lists,
 * watch events, 410 → relist (in-stream and HTTP), dropped watches, an outage window, the viewer
 * and a per-namespace 403, and a Kruise-driven view end to end.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Cluster, startCluster } from '@/lib/sim/index';
import { type CacheOptions, ResourceCache, type ResourceState } from './cache';
import type { Pod } from '@/lib/fleet/k8s-types';
import { trimPod } from './trim';
import { createFleetClient, type FleetClient } from './config';
import { createFleetReader, type FleetReader, sessionFor } from './fleet';
import { requestJson } from './http';
import { reviewAccess } from './access-review';
import { eventually as poll } from '@/lib/test-support/poll';

const SHOP_PODS = 60;
const PAGE = 25;

let cluster: Cluster;
let dir: string;
let admin: FleetClient;
const readers: FleetReader[] = [];

function clientFor(user: string): FleetClient {
  return createFleetClient({ kubeconfigPath: path.join(dir, 'kubeconfig'), context: `sim-${user}` });
}

/** Retries every 100-800 ms, so most tests need not wait out the production backoff. */
const QUICK_RETRIES: CacheOptions = { pageSize: PAGE, watchTimeoutSeconds: 5, backoffInitialMs: 100, backoffMaxMs: 800, staleGraceMs: 300 };

function reader(client: FleetClient, cacheOptions: CacheOptions = QUICK_RETRIES): FleetReader {
  const r = createFleetReader(sessionFor(client), { privateCache: true, cacheOptions });
  readers.push(r);
  return r;
}

async function api<T = unknown>(method: 'POST' | 'PATCH' | 'DELETE', p: string, body?: unknown, contentType?: string): Promise<T> {
  const r = await requestJson<T>(admin, { method, path: p, body, contentType });
  if (!r.ok) throw new Error(`${method} ${p}: ${r.error.code} ${r.error.message}`);
  return r.value;
}

function podBody(namespace: string, name: string, labels: Record<string, string>) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels },
    spec: { containers: [{ name: 'app', image: 'registry.example.com/shop/web:1.0' }] },
  };
}

function eventually<T>(what: string, fn: () => T | Promise<T>, ok: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  return poll(what, fn, ok, { timeoutMs });
}

function podsState(r: FleetReader): ResourceState {
  const s = r.cache.state().resources.find((x) => x.resource === 'pods' && !x.namespace);
  if (!s) throw new Error('no cluster-wide pods state');
  return s;
}

/** Waits until every watch has its 200 (a fault injected before that would hit nothing). */
async function allWatching(r: FleetReader): Promise<void> {
  await eventually(
    'every watch connected',
    () =>
      r.cache
        .state()
        .resources.filter((s) => !s.watching && !s.disabled)
        .map((s) => s.resource),
    (l) => l.length === 0,
  );
}

function sum(r: FleetReader, key: 'lists' | 'watches' | 'expired'): number {
  return r.cache.state().resources.reduce((n, s) => n + s[key], 0);
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'fleet-door-'));
  cluster = await startCluster({
    fleet: 'empty',
    kubeconfigPath: path.join(dir, 'kubeconfig'),
    kubeletDelayMs: 30,
    bookmarkIntervalMs: 500,
  });
  admin = clientFor('admin');
  for (const ns of ['shop', 'payments']) {
    await api('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { env: 'test' } } });
  }
  for (let i = 0; i < SHOP_PODS; i++) {
    await api('POST', '/api/v1/namespaces/shop/pods', podBody('shop', `web-${String(i).padStart(3, '0')}`, { app: 'web' }));
  }
  for (let i = 0; i < 3; i++) {
    await api('POST', '/api/v1/namespaces/payments/pods', podBody('payments', `ledger-${i}`, { app: 'ledger' }));
  }
});

// One test's readers at a time: a fault aimed at "the next watch" must reach this test's reader.
beforeEach(() => {
  for (const r of readers.splice(0)) r.stop();
});

afterAll(async () => {
  for (const r of readers) r.stop();
  await cluster?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the shared watch cache', () => {
  it('lists in pages and knows which cluster it reads', async () => {
    const r = reader(admin);
    const info = await r.getClusterInfo();
    expect(info).toEqual({
      // A session outside the configured clusters (a test's own client) is named after its kubeconfig cluster.
      id: 'sidecar-fleet-sim',
      displayName: 'sidecar-fleet-sim',
      name: 'sidecar-fleet-sim',
      context: 'sim-admin',
      server: cluster.url,
      user: 'sim-admin',
      source: 'kubeconfig',
      builtIn: true,
      kubernetesVersion: 'v1.32.4-sim',
      kruiseVersion: 'v1beta1',
    });
    await r.cache.ready();
    const names = r.cache.pods.values().map((p) => `${p.metadata.namespace}/${p.metadata.name}`);
    expect(names.length).toBe(SHOP_PODS + 3);
    expect(new Set(names).size).toBe(SHOP_PODS + 3);
    // 63 pods at 25 a page: three list requests, one after another with `continue`.
    expect(podsState(r).lastListPages).toBe(3);
    expect(podsState(r).synced).toBe(true);
    const pulse = await r.getFleetPulse();
    expect(pulse.freshness.live).toBe(true);
    expect(pulse.freshness.errors).toEqual([]);
  });

  /** Every option of a ResourceCache of its own, 10 pods a page. */
  const TEN_A_PAGE = {
    pageSize: 10,
    watchTimeoutSeconds: 5,
    backoffInitialMs: 100,
    backoffMaxMs: 800,
    authRetryMs: 60_000,
    staleGraceMs: 300,
    probeIntervalMs: 1000,
  };

  it('serves its first list page by page, marked partial until the last page', async () => {
    const seen: Array<{ values: number; listed?: number; total?: number; synced: boolean }> = [];
    const rc: ResourceCache<Pod> = new ResourceCache<Pod>(admin, { name: 'pods', path: '/api/v1/pods', trim: trimPod }, TEN_A_PAGE, () => {
      const s = rc.states()[0] as ResourceState;
      seen.push({ values: rc.values().length, listed: s.listed, total: s.listTotal, synced: s.synced });
    });
    rc.start();
    await rc.whenSettled(10_000);
    rc.stop();
    // 63 pods at 10 a page: after each of the first six pages the pods so far, with the server's total.
    const partial = seen.filter((s) => !s.synced);
    expect(partial.map((s) => s.values)).toEqual([10, 20, 30, 40, 50, 60]);
    expect(partial.every((s) => s.listed === s.values && s.total === SHOP_PODS + 3)).toBe(true);
    // Then the whole list, no longer marked.
    expect(seen.at(-1)).toEqual({ values: SHOP_PODS + 3, listed: undefined, total: undefined, synced: true });
  });

  it('stops a first wait at once when the pace of the list says it cannot end in time', async () => {
    // 63 pods, 10 a page, each page answered after 500 ms: the list takes 3.5 s at the least. After
    // the second page its pace says so, which is past a 2.5 s wait: the wait ends with 20 pods (at
    // the end of the wait, 2.5 s, four or five pages would be in). The test above covers the other
    // side: a list that ends in time is waited for to its last page.
    cluster.setFaults({ latencyMs: 500 });
    const rc = new ResourceCache<Pod>(admin, { name: 'pods', path: '/api/v1/pods', trim: trimPod }, TEN_A_PAGE, () => {});
    try {
      rc.start();
      await rc.whenSettled(2_500);
      expect(rc.states()[0]).toMatchObject({ synced: false, listed: 20, listTotal: SHOP_PODS + 3 });
      expect(rc.values()).toHaveLength(20);
      // A later wait that the list can meet is not cut short: it ends with the whole list.
      await rc.whenSettled(20_000);
      expect(rc.states()[0]?.synced).toBe(true);
      expect(rc.values()).toHaveLength(SHOP_PODS + 3);
    } finally {
      rc.stop();
      cluster.setFaults({ latencyMs: 0 });
    }
  });

  it('keeps pods trimmed to what the dashboard reads', async () => {
    const r = reader(admin);
    await r.cache.ready();
    const pod = r.cache.pods.values().find((p) => p.metadata.name === 'web-000');
    if (!pod) throw new Error('web-000 is cached');
    const keptMeta = [
      'name',
      'namespace',
      'uid',
      'generation',
      'creationTimestamp',
      'deletionTimestamp',
      'labels',
      'annotations',
      'ownerReferences',
    ];
    expect(Object.keys(pod.metadata).filter((k) => !keptMeta.includes(k))).toEqual([]);
    expect(pod.metadata.labels).toEqual({ app: 'web' });
    expect(pod.spec).toEqual({ containers: [{ name: 'app', image: 'registry.example.com/shop/web:1.0' }], nodeName: expect.any(String) });
    const keptStatus = ['phase', 'reason', 'conditions', 'containerStatuses', 'initContainerStatuses'];
    expect(Object.keys(pod.status ?? {}).filter((k) => !keptStatus.includes(k))).toEqual([]);
  });

  it('sees watch events: add, modify, delete', async () => {
    const r = reader(admin);
    await r.cache.ready();
    const before = (await r.getFleetPulse()).revision;
    await api('POST', '/api/v1/namespaces/shop/pods', podBody('shop', 'watch-me', { app: 'web' }));
    await eventually(
      'the new pod',
      () => r.cache.pods.values().some((p) => p.metadata.name === 'watch-me'),
      (v) => v,
    );
    await api(
      'PATCH',
      '/api/v1/namespaces/shop/pods/watch-me',
      { metadata: { labels: { track: 'canary' } } },
      'application/merge-patch+json',
    );
    await eventually(
      'the label change',
      () => r.cache.pods.values().find((p) => p.metadata.name === 'watch-me')?.metadata.labels?.track,
      (v) => v === 'canary',
    );
    // An update of what the cache does not keep (another annotation) is dropped: same object, same revision.
    const kept = r.cache.pods.values().find((p) => p.metadata.name === 'watch-me');
    const revision = r.cache.revision;
    const unchanged = podsState(r).unchanged;
    await api(
      'PATCH',
      '/api/v1/namespaces/shop/pods/watch-me',
      { metadata: { annotations: { 'example.com/note': 'not kept' } } },
      'application/merge-patch+json',
    );
    await eventually(
      'the update to arrive',
      async () => podsState(r).unchanged,
      (n) => n === unchanged + 1,
    );
    expect(r.cache.pods.values().find((p) => p.metadata.name === 'watch-me')).toBe(kept);
    expect(r.cache.revision).toBe(revision);
    await api('DELETE', '/api/v1/namespaces/shop/pods/watch-me');
    await eventually(
      'the deletion',
      () => r.cache.pods.values().some((p) => p.metadata.name === 'watch-me'),
      (v) => !v,
    );
    expect((await r.getFleetPulse()).revision).toBeGreaterThan(before);
    // Nothing was relisted to see those changes.
    expect(podsState(r).lists).toBe(1);
  });

  for (const mode of ['stream', 'http'] as const) {
    it(`relists after a forced 410 (${mode === 'stream' ? 'in-stream ERROR event' : 'HTTP status'})`, async () => {
      const r = reader(admin);
      await r.cache.ready();
      await allWatching(r);
      const lists = sum(r, 'lists');
      cluster.setFaults({ force410NextWatch: mode, dropWatchesNow: true });
      await eventually(
        'a 410 and a relist',
        () => ({ expired: sum(r, 'expired'), lists: sum(r, 'lists') }),
        (v) => v.expired >= 1 && v.lists > lists,
      );
      cluster.setFaults({ reset: true });
      await api('POST', '/api/v1/namespaces/shop/pods', podBody('shop', `after-410-${mode}`, { app: 'web' }));
      await eventually(
        'a pod created after the relist',
        () => r.cache.pods.values().some((p) => p.metadata.name === `after-410-${mode}`),
        (v) => v,
      );
      expect(r.cache.pods.values().length).toBe(SHOP_PODS + 3 + (mode === 'stream' ? 1 : 2));
      await eventually(
        'live',
        () => r.getFleetPulse(),
        (p) => p.freshness.live,
      );
    });
  }

  it('re-watches after dropped connections without relisting', async () => {
    const r = reader(admin);
    await r.cache.ready();
    const watches = sum(r, 'watches');
    const lists = sum(r, 'lists');
    await allWatching(r);
    cluster.setFaults({ dropWatchesNow: true });
    const resources = r.cache.state().resources.length;
    await eventually(
      'every watch re-opened',
      () => sum(r, 'watches'),
      (w) => w >= watches + resources,
      3000,
    );
    await allWatching(r);
    await api('POST', '/api/v1/namespaces/shop/pods', podBody('shop', 'after-drop', { app: 'web' }));
    await eventually(
      'a pod created after the drop',
      () => r.cache.pods.values().some((p) => p.metadata.name === 'after-drop'),
      (v) => v,
    );
    expect(sum(r, 'lists')).toBe(lists);
  });

  for (const outageMode of ['503', 'reset'] as const) {
    it(`goes stale during an outage (${outageMode}), keeps the last data, and recovers by itself`, async () => {
      const r = reader(admin);
      await r.cache.ready();
      await allWatching(r);
      const podsBefore = (await r.getOverview()).totals.pods;
      cluster.setFaults({ outageSeconds: 3, outageMode, dropWatchesNow: true });
      const stale = await eventually(
        'stale freshness',
        () => r.getFleetPulse(),
        (p) => !p.freshness.live,
      );
      expect(stale.freshness.staleSince).toBeDefined();
      const during = await r.getOverview();
      expect(during.totals.pods).toBe(podsBefore);
      expect(during.freshness.live).toBe(false);
      const live = await eventually(
        'live again',
        () => r.getFleetPulse(),
        (p) => p.freshness.live,
        15_000,
      );
      expect(live.freshness.staleSince).toBeUndefined();
      const name = `after-outage-${outageMode}`;
      await api('POST', '/api/v1/namespaces/shop/pods', podBody('shop', name, { app: 'web' }));
      await eventually(
        'a pod created after the outage',
        () => r.cache.pods.values().some((p) => p.metadata.name === name),
        (v) => v,
      );
    });
  }

  it('is live again within 5 s of the API server answering after an outage that grew the backoff past 5 s', async () => {
    // The production backoff (500 ms doubling to 15 s). Its retries come at about 0.5, 1.5, 3.5,
    // 7.5 and 15.5 s into the outage (±20% each), all refused; without the recovery probe the next
    // is 15 s (±20%) later, 4.4 s after the outage at the very earliest and about 10 s on average.
    const OUTAGE_S = 20;
    const r = reader(admin, { pageSize: PAGE, watchTimeoutSeconds: 5, staleGraceMs: 300 });
    await r.cache.ready();
    await allWatching(r);
    const attemptsBefore = sum(r, 'watches') + sum(r, 'lists');
    const faults = cluster.setFaults({ outageSeconds: OUTAGE_S, outageMode: 'reset', dropWatchesNow: true });
    const answersAgainAt = Date.parse(String(faults.outageUntil));
    await eventually(
      'stale freshness',
      () => r.getFleetPulse(),
      (p) => !p.freshness.live,
    );
    await eventually(
      'live again',
      () => r.getFleetPulse(),
      (p) => p.freshness.live,
      OUTAGE_S * 1000 + 15_000,
    );
    const recoveredAfterMs = Date.now() - answersAgainAt;
    expect(recoveredAfterMs).toBeGreaterThan(0);
    expect(recoveredAfterMs).toBeLessThan(5_000);
    // Without hammering: each resource retried on its exponential backoff (5 refused attempts in
    // 20 s, then the one that reconnected, and a relist should the server answer 410), not every
    // second or two.
    const resources = r.cache.state().resources.filter((s) => !s.disabled).length;
    expect(sum(r, 'watches') + sum(r, 'lists') - attemptsBefore).toBeLessThanOrEqual(resources * 8);
  }, 45_000);
});

describe('identities', () => {
  it('the viewer reads everything the admin reads, and may not patch', async () => {
    const a = reader(admin);
    const viewer = clientFor('viewer');
    const v = reader(viewer);
    const [oa, ov] = await Promise.all([a.getOverview(), v.getOverview()]);
    expect(ov.cluster.user).toBe('sim-viewer');
    expect(ov.totals).toEqual(oa.totals);
    expect(ov.freshness.errors).toEqual([]);
    expect(ov.freshness.live).toBe(true);
    const access = await reviewAccess(sessionFor(viewer), { verb: 'patch', group: 'apps.kruise.io', resource: 'sidecarsets' });
    expect(access.ok && access.value.allowed).toBe(false);
    const adminAccess = await reviewAccess(sessionFor(admin), { verb: 'patch', group: 'apps.kruise.io', resource: 'sidecarsets' });
    expect(adminAccess.ok && adminAccess.value.allowed).toBe(true);
  });

  it('a 403 on pods in one namespace shows in place; the rest renders', async () => {
    const r = reader(clientFor('restricted'));
    const o = await r.getOverview();
    expect(r.cache.pods.isNamespaced).toBe(true);
    const podErrors = o.freshness.errors.filter((e) => e.resource === 'pods');
    expect(podErrors).toEqual([{ resource: 'pods', namespace: 'payments', code: 403, message: expect.stringContaining('forbidden') }]);
    // A refusal is not staleness: the visible namespaces are live.
    expect(o.freshness.live).toBe(true);
    const namespaces = new Set(r.cache.pods.values().map((p) => p.metadata.namespace));
    expect(namespaces.has('shop')).toBe(true);
    expect(namespaces.has('payments')).toBe(false);
    const w = await r.getWorkloads({});
    expect(w.facets.namespaces.map((f) => f.value)).not.toContain('payments');
    expect(w.facets.namespaces.map((f) => f.value)).toContain('shop');
  });
});
