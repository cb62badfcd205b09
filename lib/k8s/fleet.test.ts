/**
 * A Kruise-driven view end to end on the built-in cluster: SidecarSet → injected pods → image
 * rollout through the emulated controller and kubelet → the overview, SidecarSet detail and
 * workload views read from the shared watch cache.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OverviewView, SidecarSetSummary } from '@/lib/fleet/views';
import { type Cluster, startCluster } from '@/lib/sim/index';
import { createFleetClient, type FleetClient } from './config';
import { ABANDONED, createFleetReader, type FleetReader, runSliced, sessionFor } from './fleet';
import { requestJson } from './http';
import { eventually as poll } from '@/lib/test-support/poll';

let cluster: Cluster;
let dir: string;
let admin: FleetClient;
let reader: FleetReader;

async function api<T = unknown>(method: 'POST' | 'PATCH', p: string, body: unknown, contentType?: string): Promise<T> {
  const r = await requestJson<T>(admin, { method, path: p, body, contentType });
  if (!r.ok) throw new Error(`${method} ${p}: ${r.error.code} ${r.error.message}`);
  return r.value;
}

function eventually<T>(what: string, fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  return poll(what, fn, ok, { timeoutMs, intervalMs: 150 });
}

const summary = (o: OverviewView, name: string): SidecarSetSummary | undefined => o.sidecarSets.find((s) => s.name === name);

function setImage(image: string) {
  return api(
    'PATCH',
    '/apis/apps.kruise.io/v1beta1/sidecarsets/log-ss',
    [
      { op: 'test', path: '/spec/containers/0/name', value: 'log-agent' },
      { op: 'replace', path: '/spec/containers/0/image', value: image },
    ],
    'application/json-patch+json',
  );
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'fleet-views-'));
  cluster = await startCluster({ fleet: 'empty', kubeconfigPath: path.join(dir, 'kubeconfig'), kubeletDelayMs: 200 });
  admin = createFleetClient({ kubeconfigPath: path.join(dir, 'kubeconfig') });
  reader = createFleetReader(sessionFor(admin), { privateCache: true, cacheOptions: { watchTimeoutSeconds: 30 } });
  await api('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
  await api('POST', '/apis/apps.kruise.io/v1beta1/sidecarsets', {
    apiVersion: 'apps.kruise.io/v1beta1',
    kind: 'SidecarSet',
    metadata: { name: 'log-ss' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      containers: [{ name: 'log-agent', image: 'docker.io/library/busybox:1.36', command: ['sleep', '999d'] }],
      updateStrategy: { maxUnavailable: 1 },
    },
  });
  for (let i = 0; i < 4; i++) {
    await api('POST', '/api/v1/namespaces/shop/pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `web-${i}`, namespace: 'shop', labels: { app: 'web' } },
      spec: { containers: [{ name: 'web', image: 'registry.example.com/shop/web:1.0' }] },
    });
  }
});

afterAll(async () => {
  reader?.stop();
  await cluster?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('Kruise-driven views on the built-in cluster', () => {
  it('shows injected pods, an image rollout completing, then a broken image stalling with its reason', async () => {
    const start = await eventually(
      'four injected, ready pods',
      () => reader.getOverview(),
      (o) => summary(o, 'log-ss')?.readyPods === 4,
    );
    expect(summary(start, 'log-ss')).toMatchObject({
      matchedPods: 4,
      updatedPods: 4,
      readyPods: 4,
      updatedReadyPods: 4,
      containers: [{ name: 'log-agent', image: 'docker.io/library/busybox:1.36', upgradeType: 'ColdUpgrade', init: false }],
      state: { kind: 'complete', reasons: [{ code: 'Complete', message: 'All 4 matched pods run the current version', pods: 4 }] },
    });
    expect(start.totals).toMatchObject({ sidecarSets: 1, pods: 4, injectedPods: 4, outdatedPods: 0, failingPods: 0 });

    await setImage('docker.io/library/busybox:1.37');
    // maxUnavailable 1: the controller moves one pod at a time, so the views pass through "progressing".
    const seen = new Set<string>();
    await eventually(
      'the rollout to finish',
      async () => {
        const o = await reader.getOverview();
        const s = summary(o, 'log-ss');
        if (s?.containers[0]?.image === 'docker.io/library/busybox:1.37') seen.add(s.state.kind);
        return s;
      },
      (s) => s?.containers[0]?.image === 'docker.io/library/busybox:1.37' && s.updatedReadyPods === 4 && s.state.kind === 'complete',
    );
    expect(seen.has('progressing')).toBe(true);

    const rows = await reader.getWorkloads({ sidecarSet: 'log-ss' });
    expect(rows.total).toBe(4);
    for (const row of rows.rows) {
      // An in-place image change restarts the container once, as the kubelet does.
      expect(row.sidecars['log-agent']?.versions).toEqual([
        { image: 'docker.io/library/busybox:1.37', pods: 1, ready: 1, restarts: 1, failing: 0, updated: 1 },
      ]);
    }

    await setImage('docker.io/library/busybox:1.38-broken');
    const stuck = await eventually(
      'the broken image to stall the rollout',
      () => reader.getOverview(),
      (o) => summary(o, 'log-ss')?.state.kind === 'stuck',
    );
    const s = summary(stuck, 'log-ss');
    expect(s?.updatedPods).toBe(1);
    expect(s?.state.reasons.map((r) => r.code)).toEqual(['FailingImage', 'BudgetExhausted']);
    expect(['ErrImagePull', 'ImagePullBackOff']).toContain(s?.state.reasons[0]?.detail);
    expect(stuck.attention[0]).toMatchObject({ severity: 'critical' });

    const detail = await reader.getSidecarSetDetail('log-ss');
    expect(detail?.revisions.map((r) => [r.revision, r.images['log-agent'], r.latest])).toEqual([
      [3, 'docker.io/library/busybox:1.38-broken', true],
      [2, 'docker.io/library/busybox:1.37', false],
      [1, 'docker.io/library/busybox:1.36', false],
    ]);
    expect(detail?.revisions.map((r) => r.pods)).toEqual([1, 3, 0]);
    expect(detail?.podGroups.map((g) => [g.revisionNumber, g.updated, g.total])).toEqual([
      [3, true, 1],
      [2, false, 3],
    ]);
    expect(detail?.explanation).toMatchObject({
      matched: 4,
      updated: 1,
      candidates: 3,
      unavailable: 1,
      maxUnavailable: 1,
      nextRoundTotal: 0,
    });

    const failingPod = detail?.podGroups[0]?.pods[0];
    expect(failingPod?.sidecars[0]).toMatchObject({ sidecarSet: 'log-ss', container: 'log-agent', updated: true, ready: false });
    expect(['ErrImagePull', 'ImagePullBackOff']).toContain(failingPod?.sidecars[0]?.failed?.reason);
    const pod = await reader.getPodDetail('shop', failingPod?.name ?? '');
    expect(pod?.pod.status).toMatch(/ErrImagePull|ImagePullBackOff/);
    expect(pod?.containers.map((c) => c.name)).toEqual(['log-agent', 'web']);
  });
});

/** A pod no SidecarSet selects (as the fleet's churn makes). */
function createPod(name: string, app: string) {
  return api('POST', '/api/v1/namespaces/shop/pods', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'shop', labels: { app } },
    spec: { containers: [{ name: 'main', image: 'registry.example.com/shop/other:1.0' }] },
  });
}

/** A SidecarSet that selects no pod: its changes are the only ones it causes. */
function createIdleSidecarSet(name: string) {
  return api('POST', '/apis/apps.kruise.io/v1beta1/sidecarsets', {
    apiVersion: 'apps.kruise.io/v1beta1',
    kind: 'SidecarSet',
    metadata: { name },
    spec: { selector: { matchLabels: { app: 'nothing' } }, containers: [{ name, image: 'docker.io/library/busybox:1.36' }] },
  });
}

describe('models rebuilt behind the requests (a big cluster)', () => {
  it('the pulse reports the revision the views answer from, and reaches a change with no other request', async () => {
    // Every rebuild behind the requests, and at most one every 2 s: as on a cluster of 150,000 pods.
    const slow = createFleetReader(sessionFor(admin), { privateCache: true, fastBuildMs: 0, minRebuildMs: 2_000 });
    try {
      const first = await eventually(
        'a first model',
        () => slow.getOverview(),
        (o) => o.totals.pods > 0,
      );
      // A pod, as a running fleet makes them all the time: it waits its turn (unlike a SidecarSet edit, below).
      await createPod('churn-0', 'other');
      const arrived = await eventually(
        'the cache to hold the new pod',
        async () => ({ revision: slow.cache.revision, pods: slow.cache.snapshot().pods.length }),
        (c) => c.pods === first.totals.pods + 1,
      );
      const early = await slow.getOverview();
      const earlyPulse = await slow.getFleetPulse();
      if (early.totals.pods === first.totals.pods) expect(earlyPulse.revision).toBeLessThan(arrived.revision);
      // Only the pulse is asked from here: the rebuild comes when due, and the pulse moves with it.
      await eventually(
        'the pulse to reach the change',
        () => slow.getFleetPulse(),
        (p) => p.revision >= arrived.revision,
        10_000,
      );
      expect((await slow.getOverview()).totals.pods).toBe(first.totals.pods + 1);
    } finally {
      slow.stop();
    }
  });

  it('the pulses asked at one revision within a moment are one answer, and a change is asked anew', async () => {
    const first = reader.getFleetPulse();
    // As 200 open tabs' streams checking together: one pass over the cache's state, not 200.
    expect(reader.getFleetPulse()).toBe(first);
    const before = await first;
    await createPod('pulse-0', 'other');
    const arrived = await eventually(
      'the cache to hold the new pod',
      async () => reader.cache.revision,
      (r) => r > before.revision,
    );
    // The cache moved: not the shared answer, however soon after it; the pulse then reaches the change.
    expect(reader.getFleetPulse()).not.toBe(first);
    await eventually(
      'the pulse to reach the change',
      () => reader.getFleetPulse(),
      (p) => p.revision >= arrived,
    );
  });

  it('a pulse asked right after a model is built tells that model, however soon after another', async () => {
    // Rebuilt only when someone waits for it: the pulse's sharing is all that is left to see.
    const r = createFleetReader(sessionFor(admin), { privateCache: true, fastBuildMs: 0, minRebuildMs: 60_000 });
    try {
      await r.getOverview();
      // A namespace: a change no controller follows with another.
      await api('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'pulse-ns' } });
      const moved = await eventually(
        'the cache to hold the namespace',
        async () => ({ revision: r.cache.revision, has: r.cache.snapshot().namespaces.some((n) => n.metadata.name === 'pulse-ns') }),
        (c) => c.has,
      );
      const stale = await r.getFleetPulse();
      expect(stale.revision).toBeLessThan(moved.revision);
      // Asking for an object the last model does not know waits for a build of what the cache holds.
      expect(await r.getSidecarSetDetail('never-made')).toBeNull();
      expect((await r.getFleetPulse()).revision).toBe(moved.revision);
    } finally {
      r.stop();
    }
  });

  it('a sliced build can be given up between its slices, and otherwise runs to its end', async () => {
    function* steps(): Generator<void, string, void> {
      for (let i = 0; i < 50; i++) {
        const t = performance.now();
        while (performance.now() - t < 1) {}
        yield;
      }
      return 'built';
    }
    let asked = 0;
    expect(await runSliced(steps(), { sliceMs: 2, abandon: () => ++asked >= 3 })).toBe(ABANDONED);
    expect(asked).toBe(3);
    expect(await runSliced(steps(), { sliceMs: 2, abandon: () => false })).toBe('built');
  });

  it('a sliced build waits between its slices while it gives way, and goes on when the answers are done', async () => {
    let made = 0;
    function* steps(): Generator<void, string, void> {
      for (let i = 0; i < 20; i++) {
        const t = performance.now();
        while (performance.now() - t < 1) {}
        made++;
        yield;
      }
      return 'built';
    }
    let answering = true;
    let answered!: () => void;
    const done = new Promise<void>((r) => {
      answered = r;
    });
    const build = runSliced(steps(), { sliceMs: 2, giveWay: () => (answering ? done : undefined) });
    const turns = async (n: number) => {
      for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
    };
    // Unhindered, each turn of the event loop would run another slice of about 2 steps.
    await turns(3);
    const stalled = made;
    expect(stalled).toBeGreaterThan(0);
    expect(stalled).toBeLessThan(20);
    await turns(10);
    expect(made).toBe(stalled);
    answering = false;
    answered();
    expect(await build).toBe('built');
    expect(made).toBe(20);
  });

  it('an object created a moment ago is not "not found" because the last model predates it', async () => {
    // Rebuilt at most once a minute: the overview keeps the model of the first request.
    const frozen = createFleetReader(sessionFor(admin), { privateCache: true, fastBuildMs: 0, minRebuildMs: 60_000 });
    try {
      await frozen.getOverview();
      await createIdleSidecarSet('fresh-ss');
      await eventually(
        'the cache to hold fresh-ss',
        async () => frozen.cache.snapshot().sidecarSets.some((s) => s.metadata.name === 'fresh-ss'),
        (has) => has,
      );
      expect(summary(await frozen.getOverview(), 'fresh-ss')).toBeUndefined();
      expect((await frozen.getSidecarSetDetail('fresh-ss'))?.summary.name).toBe('fresh-ss');
      expect(await frozen.getSidecarSetDetail('never-made')).toBeNull();
    } finally {
      frozen.stop();
    }
  });
});
