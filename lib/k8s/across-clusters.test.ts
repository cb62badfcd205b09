/**
 * Two built-in clusters behind one KUBECONFIG, read the way the dashboard reads them (the cluster
 * registry, one shared cache each, over HTTPS): the same SidecarSet on different images is flagged,
 * the image search finds the workload, a cluster that does not answer is its error while the other
 * still reads, and shared caches are dropped when idle unless held.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Cluster, startCluster } from '@/lib/sim/index';
import { mergeKubeconfigs } from '@/lib/sim/kubeconfig';
import { eventually } from '@/lib/test-support/poll';
import { getAcrossClusters, getImageSearch } from './across-clusters';
import { dropSharedFleetCache, holdSharedFleetCache, openSharedFleetCache, sharedFleetCache, sweepSharedFleetCaches } from './cache';
import { clusterClient, resetClusterRegistry } from './clusters';
import { createFleetClient } from './config';
import { requestJson } from './http';

let alpha: Cluster;
let beta: Cluster;
let dir: string;
const saved = { ...process.env };

/** Creates through the cluster's API over HTTPS, as its admin. */
async function seed(c: Cluster, image: string): Promise<void> {
  const file = path.join(dir, `seed-${c.port}`);
  writeFileSync(file, c.kubeconfig);
  const admin = createFleetClient({ kubeconfigPath: file });
  const post = async (p: string, body: unknown) => {
    const r = await requestJson(admin, { method: 'POST', path: p, body });
    if (!r.ok) throw new Error(`${p}: ${r.error.code} ${r.error.message}`);
  };
  await post('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
  await post('/apis/apps.kruise.io/v1beta1/sidecarsets', {
    apiVersion: 'apps.kruise.io/v1beta1',
    kind: 'SidecarSet',
    metadata: { name: 'mesh' },
    spec: { selector: { matchLabels: { app: 'web' } }, containers: [{ name: 'envoy', image }] },
  });
  for (let i = 0; i < 2; i++) {
    await post('/api/v1/namespaces/shop/pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `web-${i}`, namespace: 'shop', labels: { app: 'web' } },
      spec: { containers: [{ name: 'web', image: 'registry.example.com/shop/web:1.0' }] },
    });
  }
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'across-'));
  [alpha, beta] = await Promise.all([
    startCluster({ fleet: 'empty', kubeconfigPath: false, clusterName: 'alpha', kubeletDelayMs: 20 }),
    startCluster({ fleet: 'empty', kubeconfigPath: false, clusterName: 'beta', contextPrefix: 'beta', kubeletDelayMs: 20 }),
  ]);
  await Promise.all([seed(alpha, 'docker.io/envoyproxy/envoy:v1.31.2'), seed(beta, 'docker.io/envoyproxy/envoy:v1.30.0')]);
  writeFileSync(path.join(dir, 'kubeconfig'), mergeKubeconfigs([alpha.kubeconfig, beta.kubeconfig]));
  process.env.KUBECONFIG = path.join(dir, 'kubeconfig');
  process.env.SIDECAR_FLEET_CONTEXTS = '*-admin';
  delete process.env.SIDECAR_FLEET_CONTEXT;
  delete process.env.SIDECAR_FLEET_EXCLUDE_CONTEXTS;
  resetClusterRegistry();
});

afterAll(async () => {
  for (const id of ['alpha', 'beta']) dropSharedFleetCache(clusterClient(id));
  process.env = { ...saved };
  resetClusterRegistry();
  await Promise.all([alpha?.stop(), beta?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

describe('two clusters read as the dashboard reads them', () => {
  it('flags the SidecarSet whose image differs between the clusters', async () => {
    const view = await eventually(
      'both clusters to show mesh on their pods',
      () => getAcrossClusters(),
      (v) => v.sidecarSets[0]?.cells.every((c) => c.kind === 'present' && c.matchedPods === 2) === true,
      { timeoutMs: 20_000, intervalMs: 300 },
    );
    expect(view.clusters.map((c) => [c.id, c.live, c.error])).toEqual([
      ['alpha', true, undefined],
      ['beta', true, undefined],
    ]);
    expect(view.drifted).toBe(1);
    expect(view.sidecarSets.map((s) => [s.name, s.drift])).toEqual([
      [
        'mesh',
        [
          {
            container: 'envoy',
            images: [
              { image: 'docker.io/envoyproxy/envoy:v1.30.0', clusters: ['beta'] },
              { image: 'docker.io/envoyproxy/envoy:v1.31.2', clusters: ['alpha'] },
            ],
          },
        ],
      ],
    ]);
  });

  it('finds which cluster and workload run a version', async () => {
    const found = await getImageSearch('envoy v1.30');
    expect(found.matches.map((m) => [m.cluster, m.sidecarSet, m.container, m.pods, m.workloads])).toEqual([
      [
        'beta',
        'mesh',
        'envoy',
        2,
        [
          { kind: 'Pod', namespace: 'shop', name: 'web-0', pods: 1 },
          { kind: 'Pod', namespace: 'shop', name: 'web-1', pods: 1 },
        ],
      ],
    ]);
  });

  it('shows a cluster that does not answer as its error, and still reads the other', async () => {
    // A fresh start of beta's cache during its outage: nothing known, so its column is the error.
    dropSharedFleetCache(clusterClient('beta'));
    beta.setFaults({ outageSeconds: 60, outageMode: '503' });
    try {
      const view = await getAcrossClusters();
      const [a, b] = view.clusters;
      expect(a).toMatchObject({ id: 'alpha', live: true });
      expect(a?.error).toBeUndefined();
      expect(b).toMatchObject({ id: 'beta', live: false });
      expect(b?.error?.code).toBe(503);
      expect(view.sidecarSets[0]?.cells.map((c) => c.kind)).toEqual(['present', 'unknown']);
      // Not drift: an unreadable cluster is unknown, not different.
      expect(view.drifted).toBe(0);
    } finally {
      beta.setFaults({ reset: true });
    }
  });
});

describe('shared caches', () => {
  it('are one per cluster, dropped when idle, kept while held, and come back on the next read', async () => {
    const a = clusterClient('alpha');
    const b = clusterClient('beta');
    const cacheA = sharedFleetCache(a);
    const cacheB = sharedFleetCache(b);
    expect(cacheA).not.toBe(cacheB);
    expect(sharedFleetCache(a)).toBe(cacheA);
    await Promise.all([cacheA.ready(10_000), cacheB.ready(10_000)]);
    await eventually('alpha to watch', async () => cacheA.state().resources.some((r) => r.watching), Boolean, { timeoutMs: 10_000 });

    const hold = holdSharedFleetCache(b);
    sweepSharedFleetCaches(0);
    expect(openSharedFleetCache(a)).toBeUndefined();
    expect(cacheA.state().resources.every((r) => !r.watching)).toBe(true);
    expect(openSharedFleetCache(b)).toBe(cacheB);

    hold.release();
    sweepSharedFleetCaches(0);
    expect(openSharedFleetCache(b)).toBeUndefined();

    // The next read opens a new cache that lists the cluster again.
    const again = sharedFleetCache(a);
    expect(again).not.toBe(cacheA);
    await again.ready(10_000);
    expect(again.snapshot().sidecarSets.map((s) => s.metadata.name)).toEqual(['mesh']);
    const direct = await requestJson<{ items: unknown[] }>(a, { path: '/api/v1/namespaces/shop/pods' });
    expect(direct.ok && direct.value.items.length).toBe(2);
  });
});
