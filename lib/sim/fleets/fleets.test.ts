/** Fleets and saved state: what a cluster holds when it starts. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Pod, SidecarSet } from '@/lib/fleet/k8s-types';
import { raw, startTestCluster, waitFor } from '../test-support';
import { DEMO_NAMESPACES, DEMO_NODES, DEMO_WORKLOADS, expectedDemoPods, OPT_IN_LABELS, type OptIn } from './demo';
import { DEMO_VARIANTS, demoSidecarSets, ISTIO_PROXY_IMAGE } from './demo-sidecarsets';
import { parseFleet, SCALE_SIDECARSETS } from './index';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('fleet names', () => {
  it('parses empty, demo, demo-prod and scale:N and rejects anything else', () => {
    expect(parseFleet('empty')).toEqual({ kind: 'empty' });
    expect(parseFleet('demo')).toEqual({ kind: 'demo', name: 'demo', variant: DEMO_VARIANTS.demo });
    expect(parseFleet('demo-prod')).toEqual({ kind: 'demo', name: 'demo-prod', variant: DEMO_VARIANTS['demo-prod'] });
    expect(parseFleet('scale:10000')).toEqual({ kind: 'scale', pods: 10000 });
    expect(() => parseFleet('big')).toThrow('unknown fleet "big": use empty, demo, demo-prod or scale:N');
    expect(() => parseFleet('toString')).toThrow('unknown fleet "toString"');
  });
});

describe('demo variants', () => {
  it('demo-prod is the demo with istio-proxy on another version, and nothing else changed', () => {
    const demo = demoSidecarSets(DEMO_VARIANTS.demo);
    const prod = demoSidecarSets(DEMO_VARIANTS['demo-prod']);
    const istio = (list: typeof demo) => list.find((s) => s.metadata.name === 'istio-proxy') as unknown as SidecarSet;
    expect(istio(demo).spec.containers?.[0]?.image).toBe(ISTIO_PROXY_IMAGE('1.23.2'));
    expect(istio(prod).spec.containers?.[0]?.image).toBe(ISTIO_PROXY_IMAGE('1.22.5'));
    expect(istio(prod).spec.customVersion).toBe('1.22.5');
    // Every other SidecarSet is the same object shape, and istio-proxy differs only in its version.
    const withoutIstioVersion = (list: typeof demo) =>
      JSON.parse(JSON.stringify(list).replaceAll(/(proxyv2:|"customVersion":")1\.2\d\.\d/g, '$1V'));
    expect(withoutIstioVersion(prod)).toEqual(withoutIstioVersion(demo));
  });
});

describe('demo catalogue', () => {
  it('has ~25+ workloads of mixed kinds over the team namespaces and ~300 pods', () => {
    const kinds = new Set(DEMO_WORKLOADS.map((w) => w.kind));
    expect([...kinds].sort()).toEqual(['DaemonSet', 'Deployment', 'Pod', 'StatefulSet']);
    expect(DEMO_WORKLOADS.length).toBeGreaterThanOrEqual(25);
    expect(expectedDemoPods()).toBeGreaterThanOrEqual(280);
    expect(expectedDemoPods()).toBeLessThanOrEqual(320);
    expect(DEMO_NAMESPACES.map((n) => n.name)).toEqual(['payments', 'checkout', 'catalog', 'identity', 'observability', 'platform']);
  });

  it('puts each opt-in label on 20–120 pods across several workloads', () => {
    for (const o of Object.keys(OPT_IN_LABELS) as OptIn[]) {
      const ws = DEMO_WORKLOADS.filter((w) => w.optIn.includes(o) && w.namespace !== 'kube-system');
      const pods = ws.reduce((n, w) => n + (w.kind === 'Pod' ? 1 : w.kind === 'DaemonSet' ? DEMO_NODES : w.replicas), 0);
      expect(ws.length, o).toBeGreaterThanOrEqual(3);
      expect(pods, o).toBeGreaterThanOrEqual(20);
      expect(pods, o).toBeLessThanOrEqual(120);
    }
  });
});

describe('scale fleet', () => {
  it('starts N pods already Running, and the controllers have nothing to change', async () => {
    const t = await startTestCluster({ fleet: 'scale:1200', kruise: { consistentDelayMs: 0 } });
    try {
      const pods = t.cluster.store.list('pods') as unknown as Pod[];
      expect(pods).toHaveLength(1200);
      expect(
        pods.every((p) => p.status?.phase === 'Running' && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')),
      ).toBe(true);
      expect(new Set(pods.map((p) => p.spec.nodeName)).size).toBe(5);
      expect(new Set(pods.map((p) => p.metadata.namespace)).size).toBe(3);
      // Injected at creation by two of the fleet's SidecarSets each, and counted by them.
      expect(pods.every((p) => p.spec.containers.filter((c) => c.name.startsWith('agent-')).length === 2)).toBe(true);
      expect(pods.every((p) => p.status?.containerStatuses?.length === 3 && p.status.containerStatuses.every((c) => c.ready))).toBe(true);
      const sets = t.cluster.store.list('apps.kruise.io/sidecarsets') as unknown as SidecarSet[];
      expect(sets).toHaveLength(SCALE_SIDECARSETS);
      // The controller writes their status once the seeded pods' events are processed.
      await waitFor(
        () => {
          const now = t.cluster.store.list('apps.kruise.io/sidecarsets') as unknown as SidecarSet[];
          return now.reduce((n, s) => n + (s.status?.updatedReadyPods ?? 0), 0) === 2400;
        },
        10_000,
        'the SidecarSets to count 2,400 updated ready pods',
      );
      // Steady: no controller keeps writing.
      await new Promise((r) => setTimeout(r, 200));
      const rv = t.cluster.store.resourceVersion();
      await new Promise((r) => setTimeout(r, 300));
      expect(t.cluster.store.resourceVersion()).toBe(rv);
      const list = await raw(t.cluster, 'GET', '/api/v1/pods?limit=500', { token: t.cluster.tokens.viewer });
      expect(list.json<{ items: unknown[]; metadata: { remainingItemCount: number } }>().metadata.remainingItemCount).toBe(700);
    } finally {
      await t.stop();
    }
  });
});

describe('state file', () => {
  it('saves on stop and restores on start, keeping uids and resourceVersions', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-state-'));
    dirs.push(dir);
    const statePath = join(dir, 'state.json');
    const a = await startTestCluster({ statePath });
    await a.core().createNamespace({ body: { metadata: { name: 'kept', labels: { x: 'y' } } } });
    const pod = await a.core().createNamespacedPod({
      namespace: 'kept',
      body: { metadata: { name: 'p' }, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } },
    });
    await waitFor(
      () => (a.cluster.store.get('pods', 'kept', 'p') as unknown as Pod | undefined)?.status?.phase === 'Running',
      5000,
      'running',
    );
    const rv = Number(a.cluster.store.resourceVersion());
    await a.stop();
    expect(JSON.parse(readFileSync(statePath, 'utf8')).resourceVersion).toBe(rv);

    const b = await startTestCluster({ statePath });
    try {
      const p = await b.core().readNamespacedPod({ name: 'p', namespace: 'kept' });
      expect(p.metadata?.uid).toBe(pod.metadata?.uid);
      expect(p.status?.phase).toBe('Running');
      expect((await b.core().readNamespace({ name: 'kept' })).metadata?.labels?.x).toBe('y');
      const n = await b.core().createNamespace({ body: { metadata: { name: 'after' } } });
      expect(Number(n.metadata?.resourceVersion)).toBeGreaterThan(rv);
      // Watches cannot resume from before the restart.
      const w = await raw(b.cluster, 'GET', `/api/v1/pods?watch=true&resourceVersion=${rv - 1}`, { token: b.cluster.tokens.admin });
      expect(w.status).toBe(410);
    } finally {
      await b.stop();
    }
  });
});

describe('demo fleet', () => {
  it('seeds namespaces, SidecarSets and workloads, with pods injected at creation', async () => {
    const t = await startTestCluster({ fleet: 'demo', kruise: true });
    try {
      const pods = t.cluster.store.list('pods') as unknown as Pod[];
      expect(pods.length).toBe(expectedDemoPods());
      const ns = t.cluster.store.list('namespaces').map((n) => n.metadata.name);
      expect(ns).toEqual(
        expect.arrayContaining([
          'payments',
          'checkout',
          'catalog',
          'identity',
          'observability',
          'platform',
          'default',
          'kube-system',
          'kruise-system',
        ]),
      );
      expect(t.cluster.store.get('namespaces', undefined, 'kube-system')?.metadata.labels?.['control-plane']).toBe('true');
      expect(t.cluster.store.list('apps.kruise.io/sidecarsets').length).toBeGreaterThan(0);
      const injected = pods.filter((p) => p.metadata.annotations?.['kruise.io/sidecarset-injected-list']);
      expect(injected.length).toBeGreaterThan(200);
      // kube-system is a control-plane namespace: never injected.
      expect(
        pods
          .filter((p) => p.metadata.namespace === 'kube-system')
          .every((p) => !p.metadata.annotations?.['kruise.io/sidecarset-injected-list']),
      ).toBe(true);
    } finally {
      await t.stop();
    }
  }, 120_000);
});
