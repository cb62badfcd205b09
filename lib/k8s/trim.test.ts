import { describe, expect, it } from 'vitest';
import type { ClusterSnapshot } from '@/lib/fleet/cluster-state';
import { fleetSnapshot, NOW } from '@/lib/fleet/fleet-fixture.test-support';
import { buildFleetModel } from '@/lib/fleet/fleet-model';
import fleet from '@/lib/fleet/fixtures/fleet.json';
import statusPods from '@/lib/fleet/fixtures/status-pods.json';
import { podStatus } from '@/lib/fleet/pod-status';
import type { Freshness } from '@/lib/fleet/views';
import { trimControllerRevision, trimEvent, trimNamespace, trimPod, trimSidecarSet, trimWorkload } from './trim';

const freshness: Freshness = { live: true, errors: [], generatedAt: 'now' };

/** The fixture as the cache would keep it: every object through its trimmer. */
function trimmedSnapshot(): ClusterSnapshot {
  const f = structuredClone(fleet);
  return {
    pods: f.pods.map(trimPod),
    sidecarSets: f.sidecarSets.map(trimSidecarSet),
    namespaces: f.namespaces.map(trimNamespace),
    replicaSets: f.replicaSets.map(trimWorkload),
    deployments: [],
    statefulSets: [],
    daemonSets: [],
    revisions: f.revisions.map(trimControllerRevision),
    events: f.events.map(trimEvent),
  };
}

describe('trimming keeps everything the views read', () => {
  it('every view is identical on raw and trimmed objects', () => {
    const raw = buildFleetModel(fleetSnapshot(), NOW);
    const trimmed = buildFleetModel(trimmedSnapshot(), NOW);
    const cluster = {} as never;
    expect(trimmed.overview({ cluster, freshness })).toEqual(raw.overview({ cluster, freshness }));
    expect(trimmed.workloads({ pageSize: 500 }, { freshness })).toEqual(raw.workloads({ pageSize: 500 }, { freshness }));
    for (const w of raw.workloads({ pageSize: 500 }, { freshness }).rows) {
      expect(trimmed.workloadDetail(w, { freshness })).toEqual(raw.workloadDetail(w, { freshness }));
    }
    for (const ss of fleet.sidecarSets) {
      expect(trimmed.sidecarSetDetail(ss.metadata.name, { freshness })).toEqual(raw.sidecarSetDetail(ss.metadata.name, { freshness }));
    }
    for (const p of fleet.pods) {
      const a = raw.podDetail(p.metadata.namespace, p.metadata.name, { freshness });
      const b = trimmed.podDetail(p.metadata.namespace, p.metadata.name, { freshness });
      // Only Kruise's annotations are kept on pods.
      const kruiseOnly = Object.fromEntries(Object.entries(a?.annotations ?? {}).filter(([k]) => k.includes('sidecarset')));
      expect(b).toEqual({ ...a, annotations: kruiseOnly });
    }
  });

  it('kubectl status is identical on raw and trimmed pods', () => {
    for (const p of statusPods.items) {
      expect(podStatus(trimPod(p))).toEqual(podStatus(p as never));
    }
  });

  it('an Event of either API keeps how often and since when it happened', () => {
    const regarding = { apiVersion: 'v1', kind: 'Pod', namespace: 'shop', name: 'web-0', uid: 'u-1' };
    // core/v1, as the kubelet writes it: repeats folded into count, first and last timestamps.
    const legacy = trimEvent({
      metadata: { name: 'web-0.1', namespace: 'shop', creationTimestamp: '2026-11-20T09:00:00Z' },
      involvedObject: regarding,
      reason: 'BackOff',
      message: 'Back-off restarting failed container app in pod web-0_shop(u-1)',
      type: 'Warning',
      count: 7,
      firstTimestamp: '2026-11-20T09:00:00Z',
      lastTimestamp: '2026-11-20T09:05:00Z',
      source: { component: 'kubelet' },
    });
    // events.k8s.io/v1 seen through core/v1, as kube-scheduler writes it: no count nor timestamps, an eventTime.
    const single = trimEvent({
      metadata: { name: 'web-0.2', namespace: 'shop', creationTimestamp: '2026-11-20T09:00:01Z' },
      involvedObject: regarding,
      reason: 'Scheduled',
      message: 'Successfully assigned shop/web-0 to node-1',
      type: 'Normal',
      eventTime: '2026-11-20T09:00:00.123456Z',
      firstTimestamp: null,
      lastTimestamp: null,
      reportingComponent: 'default-scheduler',
    });
    // ...and one that repeated: its series says how often and when last.
    const series = trimEvent({
      metadata: { name: 'web-0.3', namespace: 'shop' },
      involvedObject: regarding,
      reason: 'FailedScheduling',
      message: '0/3 nodes are available',
      type: 'Warning',
      eventTime: '2026-11-20T09:00:00.000000Z',
      series: { count: 12, lastObservedTime: '2026-11-20T09:30:00.000000Z' },
      reportingComponent: 'default-scheduler',
    });
    expect([legacy, single, series].map((e) => [e.count, e.firstTimestamp, e.lastTimestamp, e.source])).toEqual([
      [7, '2026-11-20T09:00:00Z', '2026-11-20T09:05:00Z', 'kubelet'],
      [1, '2026-11-20T09:00:00.123456Z', '2026-11-20T09:00:00.123456Z', 'default-scheduler'],
      [12, '2026-11-20T09:00:00.000000Z', '2026-11-20T09:30:00.000000Z', 'default-scheduler'],
    ]);
  });

  it('a trimmed pod is a small fraction of the raw one', () => {
    const raw = JSON.stringify(fleet.pods);
    const trimmed = JSON.stringify(fleet.pods.map(trimPod));
    expect(trimmed.length / raw.length).toBeLessThan(0.6);
  });
});

describe('repeats are kept once', () => {
  it('pods with the same labels share one frozen label set; different ones do not', () => {
    const pod = (name: string, labels: Record<string, string>) =>
      trimPod({ metadata: { name, namespace: 'shop', labels }, spec: { containers: [{ name: 'app', image: 'web:1' }] } });
    const a = pod('web-1', { app: 'web', 'pod-template-hash': '5d9c' });
    const b = pod('web-2', { app: 'web', 'pod-template-hash': '5d9c' });
    const c = pod('web-3', { app: 'web', 'pod-template-hash': '7f00' });
    expect(a.metadata.labels).toBe(b.metadata.labels);
    expect(Object.isFrozen(a.metadata.labels)).toBe(true);
    expect(c.metadata.labels).not.toBe(a.metadata.labels);
    expect(c.metadata.labels).toEqual({ app: 'web', 'pod-template-hash': '7f00' });
  });
});
