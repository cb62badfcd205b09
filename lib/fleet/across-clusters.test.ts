/**
 * The cross-cluster comparison and image search, on the API-shaped fleet fixture read as several
 * clusters: `staging` is the fixture as it is; `prod` has cfg-ss's spec back on the previous
 * config-reloader image (the image its pods mostly run); `dr` answered with no SidecarSets;
 * `edge` could not be read at all.
 */
import { describe, expect, it } from 'vitest';
import { type ClusterFleetInput, compareAcrossClusters, imageDrift, searchImagesAcrossClusters, searchWords } from './across-clusters';
import type { ClusterSnapshot } from './cluster-state';
import { fleetSnapshot, NOW } from './fleet-fixture.test-support';
import { buildFleetModel } from './fleet-model';
import type { ClusterFleetView, ClusterRef } from './views';

const OLD_RELOADER = 'ghcr.io/stakater/reloader:v1.0.110';
const NEW_RELOADER = 'ghcr.io/stakater/reloader:v1.0.121';

function view(ref: ClusterRef, snapshot: ClusterSnapshot): ClusterFleetView {
  const model = buildFleetModel(snapshot, NOW);
  const freshness = { live: true, errors: [], generatedAt: NOW.toISOString() };
  const cluster = {
    id: ref.id,
    displayName: ref.name,
    name: ref.id,
    server: `https://${ref.id}.example.com:6443`,
    user: 'admin',
    source: 'kubeconfig' as const,
    builtIn: false,
    kruiseVersion: 'v1beta1' as const,
  };
  return { cluster, sidecarSets: model.overview({ cluster, freshness }).sidecarSets, images: model.sidecarImages(), freshness };
}

function inputs(): ClusterFleetInput[] {
  const staging = { id: 'staging', name: 'Staging' };
  const prod = { id: 'prod', name: 'Production' };
  const dr = { id: 'dr', name: 'DR' };
  const edge = { id: 'edge', name: 'Edge' };
  const prodSnapshot = fleetSnapshot();
  const cfg = prodSnapshot.sidecarSets.find((s) => s.metadata.name === 'cfg-ss');
  if (!cfg?.spec.containers?.[0]) throw new Error('fixture: cfg-ss has no container');
  cfg.spec.containers[0].image = OLD_RELOADER;
  const empty: ClusterSnapshot = { ...fleetSnapshot(), sidecarSets: [], pods: [], revisions: [], events: [] };
  return [
    { cluster: staging, view: view(staging, fleetSnapshot()) },
    { cluster: prod, view: view(prod, prodSnapshot) },
    { cluster: dr, view: view(dr, empty) },
    { cluster: edge, error: { message: 'connect ECONNREFUSED 127.0.0.1:9' } },
  ];
}

describe('compareAcrossClusters', () => {
  const compared = compareAcrossClusters(inputs(), NOW);

  it('has a column per cluster, the unreadable one with its error, and a row per SidecarSet name', () => {
    expect(compared.clusters.map((c) => [c.id, c.name, c.live, c.error?.message])).toEqual([
      ['staging', 'Staging', true, undefined],
      ['prod', 'Production', true, undefined],
      ['dr', 'DR', true, undefined],
      ['edge', 'Edge', false, 'connect ECONNREFUSED 127.0.0.1:9'],
    ]);
    expect(compared.sidecarSets.map((s) => s.name)).toEqual(['audit-ss', 'cfg-ss', 'log-ss', 'mesh-ss', 'trace-ss']);
  });

  it('flags the SidecarSet whose spec image differs, and only that one', () => {
    expect(compared.drifted).toBe(1);
    const cfg = compared.sidecarSets.find((s) => s.name === 'cfg-ss');
    expect(cfg?.drift).toEqual([
      {
        container: 'config-reloader',
        images: [
          { image: OLD_RELOADER, clusters: ['prod'] },
          { image: NEW_RELOADER, clusters: ['staging'] },
        ],
      },
    ]);
    for (const s of compared.sidecarSets.filter((x) => x.name !== 'cfg-ss')) expect(s.drift, s.name).toEqual([]);
  });

  it('shows each cluster its spec, revision, state, counts and the images its pods run; absent and unknown apart', () => {
    const cfg = compared.sidecarSets.find((s) => s.name === 'cfg-ss');
    expect(cfg?.cells[0]).toEqual({
      cluster: 'staging',
      kind: 'present',
      images: { 'config-reloader': NEW_RELOADER },
      running: {
        'config-reloader': [
          { image: OLD_RELOADER, pods: 2 },
          { image: NEW_RELOADER, pods: 1 },
        ],
      },
      revision: 'cfg-ss-6b7c8d9f5',
      // The partition holds two of three pods back: the planner calls that paused.
      state: 'paused',
      paused: false,
      // Not paused, one of three updated: "pause every rollout in progress" would pause it.
      inProgress: true,
      matchedPods: 3,
      updatedPods: 1,
      readyPods: 3,
    });
    expect(cfg?.cells[1]).toMatchObject({ cluster: 'prod', kind: 'present', images: { 'config-reloader': OLD_RELOADER } });
    expect(cfg?.cells[2]).toEqual({ cluster: 'dr', kind: 'absent' });
    expect(cfg?.cells[3]).toEqual({ cluster: 'edge', kind: 'unknown' });
    // Missing means "read, and not there": the unreadable cluster is not counted.
    expect(cfg?.missingFrom).toEqual(['dr']);
  });

  it('finds no drift between clusters that agree, or when only one cluster has the SidecarSet', () => {
    const one = inputs().slice(0, 1);
    expect(compareAcrossClusters([...one, ...one.map((i) => ({ ...i, cluster: { id: 'copy', name: 'Copy' } }))], NOW).drifted).toBe(0);
    expect(compareAcrossClusters(inputs().slice(2), NOW).drifted).toBe(0);
    expect(
      imageDrift([
        { cluster: 'a', kind: 'absent' },
        { cluster: 'b', kind: 'unknown' },
      ]),
    ).toEqual([]);
  });
});

describe('searchImagesAcrossClusters', () => {
  it('lists every cluster, SidecarSet and workload running a version, with pod counts', () => {
    const found = searchImagesAcrossClusters(inputs(), 'reloader:v1.0.110', NOW);
    expect(found.matches.map((m) => [m.cluster, m.sidecarSet, m.container, m.image, m.pods, m.inSpec])).toEqual([
      ['staging', 'cfg-ss', 'config-reloader', OLD_RELOADER, 2, false],
      ['prod', 'cfg-ss', 'config-reloader', OLD_RELOADER, 2, true],
    ]);
    expect(found.pods).toBe(4);
    expect(found.matches[0]?.workloads.reduce((n, w) => n + w.pods, 0)).toBe(2);
    expect(found.matches[0]?.workloads.every((w) => w.kind && w.namespace && w.name)).toBe(true);
  });

  it('matches every word against the image, the SidecarSet and the container', () => {
    const byName = searchImagesAcrossClusters(inputs(), 'cfg-ss V1.0.121', NOW);
    expect(byName.matches.map((m) => [m.cluster, m.image, m.pods, m.inSpec])).toEqual([
      ['staging', NEW_RELOADER, 1, true],
      ['prod', NEW_RELOADER, 1, false],
    ]);
    expect(searchImagesAcrossClusters(inputs(), 'no-such-image', NOW).matches).toEqual([]);
    expect(searchImagesAcrossClusters(inputs(), '   ', NOW).matches).toEqual([]);
  });

  it('lists a spec image no pod runs yet, without workloads', () => {
    // One pod runs it in each readable cluster: listed with that pod's workload.
    const broken = searchImagesAcrossClusters(inputs(), 'fluent-bit:3.1.9-broken', NOW);
    expect(broken.matches.map((m) => [m.cluster, m.pods, m.workloads, m.inSpec])).toEqual([
      ['staging', 1, [{ kind: 'Deployment', namespace: 'shop', name: 'web', pods: 1 }], true],
      ['prod', 1, [{ kind: 'Deployment', namespace: 'shop', name: 'web', pods: 1 }], true],
    ]);
    const withNothingRunning = inputs();
    const first = withNothingRunning[0];
    if (!first || 'error' in first) throw new Error('fixture');
    first.view.images = [];
    expect(searchImagesAcrossClusters(withNothingRunning.slice(0, 1), 'fluent-bit:3.1.9-broken', NOW).matches).toEqual([
      {
        cluster: 'staging',
        sidecarSet: 'log-ss',
        container: 'fluent-bit',
        image: 'cr.fluentbit.io/fluent/fluent-bit:3.1.9-broken',
        pods: 0,
        workloads: [],
        inSpec: true,
      },
    ]);
  });

  it('splits a query into lower-cased words', () => {
    expect(searchWords('  Istio-Proxy   1.22 ')).toEqual(['istio-proxy', '1.22']);
  });
});
