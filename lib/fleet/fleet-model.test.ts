import { describe, expect, it } from 'vitest';
import { fleetSnapshot, NOW } from './fleet-fixture.test-support';
import { buildFleetModel } from './fleet-model';
import type { ClusterInfo, Freshness, SidecarSetSummary, WorkloadQuery } from './views';

const freshness: Freshness = { live: true, errors: [], generatedAt: '2026-11-20T10:00:00.000Z' };
const cluster: ClusterInfo = {
  id: 'demo',
  displayName: 'demo',
  name: 'sidecar-fleet-sim',
  server: 'https://127.0.0.1:6443',
  user: 'sim-admin',
  source: 'kubeconfig',
  builtIn: true,
  kruiseVersion: 'v1beta1',
};
const model = () => buildFleetModel(fleetSnapshot(), NOW);

const FB_NEW = 'cr.fluentbit.io/fluent/fluent-bit:3.1.9-broken';
const NOT_UPGRADABLE =
  '2 pods need recreating: the SidecarSet changed more than images (env, command, volumes…), which Kruise cannot apply in place';
const NEVER_INJECTED =
  '1 selected pod was never injected (created before the SidecarSet or while injection was paused); recreate them to get the sidecar';
const strategy = (partition: number | string, maxUnavailable: number | string, type = 'RollingUpdate') => ({
  type,
  paused: false,
  partition,
  maxUnavailable,
  injectionPaused: false,
});
const common = (name: string, latestRevision: string) => ({
  name,
  resourceVersion: '4711',
  generation: 3,
  observedGeneration: 3,
  latestRevision,
  createdAt: '2026-11-18T08:00:00Z',
});

describe('buildFleetModel on the fixture fleet', () => {
  it('overview: totals, every SidecarSet with its state, attention by severity', () => {
    const sidecarSets: SidecarSetSummary[] = [
      {
        ...common('audit-ss', 'audit-ss-3c4d5f6g7'),
        containers: [{ name: 'auditd', image: 'registry.example.com/sec/auditd:2.0', upgradeType: 'ColdUpgrade', init: false }],
        selector: 'audit=on',
        strategy: strategy(0, 1, 'NotUpdate'),
        // Counted from the pods, as the controller would; Kruise's own NotUpdate status goes stale (isSidecarSetNotUpdate in pkg/controller/sidecarset/sidecarset_processor.go).
        matchedPods: 1,
        updatedPods: 0,
        readyPods: 1,
        updatedReadyPods: 0,
        state: {
          kind: 'not-updating',
          reasons: [
            {
              code: 'NotUpdate',
              message: 'updateStrategy.type is NotUpdate: existing pods are never upgraded; 1 of 1 pod runs an older version',
              pods: 1,
            },
            { code: 'NeverInjected', message: NEVER_INJECTED, pods: 1 },
          ],
        },
      },
      {
        ...common('cfg-ss', 'cfg-ss-6b7c8d9f5'),
        containers: [{ name: 'config-reloader', image: 'ghcr.io/stakater/reloader:v1.0.121', upgradeType: 'ColdUpgrade', init: false }],
        selector: 'app.kubernetes.io/name=cart',
        strategy: strategy(2, 1),
        matchedPods: 3,
        updatedPods: 1,
        readyPods: 3,
        updatedReadyPods: 1,
        state: {
          kind: 'paused',
          reasons: [{ code: 'PartitionHolding', message: 'Partition 2 keeps 2 pods on the old version; lower it to continue', pods: 2 }],
        },
      },
      {
        ...common('log-ss', 'log-ss-7c5d8f9b4'),
        containers: [{ name: 'fluent-bit', image: FB_NEW, upgradeType: 'ColdUpgrade', init: false }],
        selector: 'sidecar.fleet/log=enabled',
        strategy: strategy(0, 1),
        matchedPods: 3,
        updatedPods: 1,
        readyPods: 2,
        updatedReadyPods: 0,
        state: {
          kind: 'stuck',
          reasons: [
            {
              code: 'FailingImage',
              message: `1 updated pod cannot run fluent-bit (ImagePullBackOff): Back-off pulling image "${FB_NEW}"`,
              pods: 1,
              detail: 'ImagePullBackOff',
            },
            { code: 'BudgetExhausted', message: 'maxUnavailable 1 (1 pod) is used up by 1 updated pod that is not ready', pods: 1 },
          ],
        },
      },
      {
        ...common('mesh-ss', 'mesh-ss-8f6d5c4b7'),
        containers: [{ name: 'envoy', image: 'docker.io/envoyproxy/envoy:v1.31.2', upgradeType: 'HotUpgrade', init: false }],
        selector: 'mesh=on',
        namespaceSelector: 'env=prod',
        strategy: strategy(0, 1),
        matchedPods: 2,
        updatedPods: 2,
        readyPods: 2,
        updatedReadyPods: 2,
        state: { kind: 'complete', reasons: [{ code: 'Complete', message: 'All 2 matched pods run the current version', pods: 2 }] },
      },
      {
        ...common('trace-ss', 'trace-ss-6d7f8b9c2'),
        containers: [
          { name: 'otel-agent', image: 'otel/opentelemetry-collector-contrib:0.110.0', upgradeType: 'ColdUpgrade', init: false },
        ],
        selector: 'tracing in (on)',
        strategy: strategy(0, '20%'),
        matchedPods: 2,
        updatedPods: 0,
        readyPods: 2,
        updatedReadyPods: 0,
        state: { kind: 'stuck', reasons: [{ code: 'NotUpgradable', message: NOT_UPGRADABLE, pods: 2 }] },
      },
    ];
    expect(model().overview({ cluster, freshness })).toEqual({
      cluster,
      freshness,
      totals: {
        sidecarSets: 5,
        pods: 14,
        // every pod but the bare debug-shell carries an injected sidecar (the completed Job pod too)
        injectedPods: 13,
        // web ×2, cart ×2, node-agent ×2, ledger-0
        outdatedPods: 7,
        notUpgradablePods: 2,
        failingPods: 1,
        byState: { complete: 1, progressing: 0, paused: 1, stuck: 2, 'not-updating': 1 },
      },
      sidecarSets,
      attention: [
        {
          severity: 'critical',
          workload: { kind: 'Deployment', namespace: 'shop', name: 'web' },
          message: 'Deployment shop/web: 1 of 3 pods failing (ImagePullBackOff)',
          code: 'FailingPods',
          pods: 1,
        },
        {
          severity: 'critical',
          sidecarSet: 'log-ss',
          message: `log-ss: 1 updated pod cannot run fluent-bit (ImagePullBackOff): Back-off pulling image "${FB_NEW}"`,
          code: 'FailingImage',
          pods: 1,
        },
        { severity: 'warning', sidecarSet: 'trace-ss', message: `trace-ss: ${NOT_UPGRADABLE}`, code: 'NotUpgradable', pods: 2 },
        { severity: 'warning', sidecarSet: 'audit-ss', message: `audit-ss: ${NEVER_INJECTED}`, code: 'NeverInjected', pods: 1 },
        {
          severity: 'info',
          sidecarSet: 'cfg-ss',
          message: 'cfg-ss: Partition 2 keeps 2 pods on the old version; lower it to continue',
          code: 'PartitionHolding',
          pods: 2,
        },
        {
          severity: 'info',
          workload: { kind: 'Deployment', namespace: 'shop', name: 'legacy-worker' },
          message: 'Deployment shop/legacy-worker: 1 pod runs sidecars no SidecarSet owns any more',
          code: 'Orphaned',
          pods: 1,
        },
      ],
    });
  });

  it('workloads: filters, search, sort and pages on the server; facets over everything', () => {
    const m = model();
    const page = (q: WorkloadQuery) => {
      const v = m.workloads(q, { freshness });
      return { rows: v.rows.map((r) => `${r.kind}/${r.namespace}/${r.name}`), total: v.total, page: v.page, pageSize: v.pageSize };
    };
    expect(page({})).toEqual({
      rows: [
        'StatefulSet/payments/api',
        'CloneSet/shop/cart',
        'Pod/shop/debug-shell',
        'AdvancedStatefulSet/payments/ledger',
        'Deployment/shop/legacy-worker',
        'DaemonSet/monitoring/node-agent',
        'CronJob/batch/report',
        'Deployment/shop/web',
      ],
      total: 8,
      page: 1,
      pageSize: 50,
    });
    expect(page({ namespace: 'shop' }).rows).toEqual([
      'CloneSet/shop/cart',
      'Pod/shop/debug-shell',
      'Deployment/shop/legacy-worker',
      'Deployment/shop/web',
    ]);
    expect(page({ sidecarSet: 'log-ss' }).rows).toEqual(['Deployment/shop/web']);
    // A SidecarSet that selects but never injected a workload still finds it.
    expect(page({ sidecarSet: 'audit-ss' }).rows).toEqual(['Pod/shop/debug-shell', 'AdvancedStatefulSet/payments/ledger']);
    expect(page({ version: 'ghcr.io/stakater/reloader:v1.0.110' }).rows).toEqual(['CloneSet/shop/cart']);
    expect(page({ state: 'failing' }).rows).toEqual(['Deployment/shop/web']);
    expect(page({ state: 'not-upgradable' }).rows).toEqual(['DaemonSet/monitoring/node-agent']);
    expect(page({ state: 'never-injected' }).rows).toEqual(['Pod/shop/debug-shell']);
    expect(page({ state: 'orphaned' }).rows).toEqual(['Deployment/shop/legacy-worker']);
    expect(page({ state: 'drift', namespace: 'shop' }).rows).toEqual([
      'CloneSet/shop/cart',
      'Pod/shop/debug-shell',
      'Deployment/shop/legacy-worker',
      'Deployment/shop/web',
    ]);
    expect(page({ q: 'ENVOY' }).rows).toEqual(['StatefulSet/payments/api']);
    expect(page({ q: 'otel' }).rows).toEqual(['DaemonSet/monitoring/node-agent']);
    // Ties (3 pods, then 2 pods each) fall back to namespace/name.
    expect(page({ sort: 'pods', dir: 'desc' }).rows.slice(0, 4)).toEqual([
      'CloneSet/shop/cart',
      'Deployment/shop/web',
      'DaemonSet/monitoring/node-agent',
      'StatefulSet/payments/api',
    ]);
    expect(page({ sort: 'health' }).rows.slice(0, 2)).toEqual(['Deployment/shop/web', 'DaemonSet/monitoring/node-agent']);
    expect(page({ sort: 'outdated', dir: 'desc' }).rows.slice(0, 3)).toEqual([
      'DaemonSet/monitoring/node-agent',
      'CloneSet/shop/cart',
      'Deployment/shop/web',
    ]);
    expect(page({ pageSize: 3, page: 3 })).toEqual({
      rows: ['CronJob/batch/report', 'Deployment/shop/web'],
      total: 8,
      page: 3,
      pageSize: 3,
    });
    // A page past the end shows the last page; a silly page size is clamped.
    expect(page({ pageSize: 3, page: 99 }).page).toBe(3);
    expect(page({ pageSize: 0 }).pageSize).toBe(1);
    expect(page({ pageSize: 10_000 }).pageSize).toBe(500);

    expect(m.workloads({ namespace: 'shop' }, { freshness }).facets).toEqual({
      namespaces: [
        { value: 'batch', count: 1 },
        { value: 'monitoring', count: 1 },
        { value: 'payments', count: 2 },
        { value: 'shop', count: 4 },
      ],
      sidecarSets: [
        { value: 'audit-ss', count: 2 },
        { value: 'cfg-ss', count: 1 },
        { value: 'log-ss', count: 1 },
        { value: 'mesh-ss', count: 1 },
        { value: 'old-ss', count: 1 },
        { value: 'trace-ss', count: 1 },
      ],
      versions: [
        { value: 'cr.fluentbit.io/fluent/fluent-bit:3.1.8', count: 1 },
        { value: FB_NEW, count: 1 },
        { value: 'docker.io/envoyproxy/envoy:v1.31.2', count: 1 },
        { value: 'ghcr.io/stakater/reloader:v1.0.110', count: 1 },
        { value: 'ghcr.io/stakater/reloader:v1.0.121', count: 1 },
        { value: 'otel/opentelemetry-collector-contrib:0.110.0', count: 1 },
        { value: 'prom/statsd-exporter:v0.26.1', count: 1 },
        { value: 'registry.example.com/sec/auditd:1.0', count: 1 },
      ],
    });
  });

  it('workload row: per-sidecar versions with counts, ready, restarts, failing', () => {
    const rows = model().workloads({ namespace: 'shop', q: 'cart' }, { freshness }).rows;
    expect(rows).toEqual([
      {
        kind: 'CloneSet',
        namespace: 'shop',
        name: 'cart',
        pods: 3,
        readyPods: 3,
        health: 'healthy',
        sidecars: {
          'config-reloader': {
            sidecarSet: 'cfg-ss',
            versions: [
              { image: 'ghcr.io/stakater/reloader:v1.0.110', pods: 2, ready: 2, restarts: 0, failing: 0, updated: 0 },
              { image: 'ghcr.io/stakater/reloader:v1.0.121', pods: 1, ready: 1, restarts: 1, failing: 0, updated: 1 },
            ],
            outdated: 2,
            notUpgradable: 0,
          },
        },
        drift: { outdated: 2, notUpgradable: 0, neverInjected: 0, orphaned: 0 },
        failingPods: 0,
        inFlightPods: 0,
      },
    ]);
  });

  it('workload detail: the completed CronJob pod, its sidecar and no drift', () => {
    const m = model();
    expect(m.workloadDetail({ kind: 'CronJob', namespace: 'batch', name: 'report' }, { freshness })).toEqual({
      freshness,
      workload: {
        kind: 'CronJob',
        namespace: 'batch',
        name: 'report',
        pods: 1,
        readyPods: 0,
        health: 'completed',
        sidecars: {},
        drift: { outdated: 0, notUpgradable: 0, neverInjected: 0, orphaned: 0 },
        failingPods: 0,
        inFlightPods: 0,
      },
      pods: [
        {
          namespace: 'batch',
          name: 'report-29412345-h7d2k',
          node: 'sim-node-1',
          phase: 'Succeeded',
          status: 'Completed',
          health: 'completed',
          ready: '0/2',
          restarts: 0,
          createdAt: '2026-11-19T08:00:00Z',
          workload: { kind: 'CronJob', namespace: 'batch', name: 'report' },
          sidecars: [
            {
              sidecarSet: 'audit-ss',
              container: 'auditd',
              specImage: 'registry.example.com/sec/auditd:1.0',
              statusImage: 'registry.example.com/sec/auditd:1.0',
              revision: 'audit-ss-9b8c7d6f5',
              updated: false,
              upgradable: true,
              inFlight: false,
              ready: false,
              restarts: 0,
            },
          ],
        },
      ],
      events: [],
    });
    expect(m.workloadDetail({ kind: 'Deployment', namespace: 'shop', name: 'nope' }, { freshness })).toBeNull();
    expect(m.podDetail('shop', 'nope', { freshness })).toBeNull();
    expect(m.sidecarSetDetail('nope', { freshness })).toBeNull();
  });

  it('pod detail finds every pod, whatever order the pods were listed in', () => {
    const snapshot = fleetSnapshot();
    const keys = snapshot.pods.map((p) => [p.metadata.namespace ?? 'default', p.metadata.name] as const);
    expect(keys.length).toBeGreaterThan(10);
    // Listed in reverse: the entries are put back in key order, which the lookup relies on.
    const shuffled = buildFleetModel({ ...snapshot, pods: [...snapshot.pods].reverse() }, NOW);
    for (const m of [model(), shuffled]) {
      for (const [namespace, name] of keys) expect(m.podDetail(namespace, name, { freshness })?.pod.name).toBe(name);
      for (const [namespace, name] of keys) {
        expect(m.podDetail(namespace, `${name}-x`, { freshness })).toBeNull();
        expect(m.podDetail(`${namespace}-x`, name, { freshness })).toBeNull();
      }
    }
  });

  it('SidecarSet detail: spec, revisions with pod counts, pods by revision, events, the why', () => {
    const d = model().sidecarSetDetail('cfg-ss', { freshness }, { podsPageSize: 1 });
    expect(d && { ...d, summary: d.summary.name, podGroups: d.podGroups.map((g) => ({ ...g, pods: g.pods.map((p) => p.name) })) }).toEqual({
      freshness,
      summary: 'cfg-ss',
      spec: {
        containers: [
          {
            name: 'config-reloader',
            image: 'ghcr.io/stakater/reloader:v1.0.121',
            upgradeType: 'ColdUpgrade',
            init: false,
            podInjectPolicy: 'BeforeAppContainer',
          },
        ],
        selector: 'app.kubernetes.io/name=cart',
        strategy: strategy(2, 1),
        injection: { paused: false },
        revisionHistoryLimit: 10,
      },
      revisions: [
        {
          name: 'cfg-ss-6b7c8d9f5',
          revision: 2,
          images: { 'config-reloader': 'ghcr.io/stakater/reloader:v1.0.121' },
          pods: 1,
          latest: true,
          createdAt: '2026-11-20T09:00:00Z',
        },
        {
          name: 'cfg-ss-4d5f6g7h8',
          revision: 1,
          images: { 'config-reloader': 'ghcr.io/stakater/reloader:v1.0.110' },
          pods: 2,
          latest: false,
          createdAt: '2026-11-18T08:00:00Z',
        },
      ],
      podGroups: [
        { revision: 'cfg-ss-6b7c8d9f5', revisionNumber: 2, updated: true, total: 1, pods: ['cart-7xk2p'] },
        // Paged: one pod per group on this page.
        { revision: 'cfg-ss-4d5f6g7h8', revisionNumber: 1, updated: false, total: 2, pods: ['cart-9m4rd'] },
      ],
      podsPageSize: 1,
      // The events of the SidecarSet and of every pod it injected (not only this page's), grouped.
      eventGroups: {
        groups: [
          {
            id: expect.stringMatching(/^[0-9a-f]{8}$/),
            type: 'Normal',
            reason: 'Pulled',
            message: 'Successfully pulled image "ghcr.io/stakater/reloader:v1.0.121"',
            count: 1,
            events: 1,
            objects: 1,
            kinds: ['Pod'],
            workloads: [{ kind: 'CloneSet', namespace: 'shop', name: 'cart', count: 1 }],
            workloadsTotal: 1,
            firstTimestamp: '2026-11-20T09:00:20Z',
            lastTimestamp: '2026-11-20T09:00:20Z',
            newest: [
              {
                type: 'Normal',
                reason: 'Pulled',
                message: 'Successfully pulled image "ghcr.io/stakater/reloader:v1.0.121"',
                involved: { kind: 'Pod', namespace: 'shop', name: 'cart-7xk2p' },
                count: 1,
                lastTimestamp: '2026-11-20T09:00:20Z',
                source: 'kubelet',
              },
            ],
          },
        ],
        totalGroups: 1,
        totalEvents: 1,
        totalCount: 1,
      },
      explanation: {
        state: {
          kind: 'paused',
          reasons: [{ code: 'PartitionHolding', message: 'Partition 2 keeps 2 pods on the old version; lower it to continue', pods: 2 }],
        },
        matched: 3,
        updated: 1,
        candidates: 2,
        notUpgradable: 0,
        inFlight: 0,
        selectorExcluded: 0,
        partition: 2,
        maxUnavailable: 1,
        unavailable: 0,
        nextRound: [],
        nextRoundTotal: 0,
      },
    });
    const page2 = model().sidecarSetDetail('cfg-ss', { freshness }, { podsPageSize: 1, podsPage: 2 });
    expect(page2?.podGroups.map((g) => g.pods.map((p) => p.name))).toEqual([[], ['cart-b2vq8']]);
  });

  it('SidecarSet detail of the hot-upgrade and the NotUpgradable ones: their spec and events', () => {
    const m = model();
    expect(m.sidecarSetDetail('mesh-ss', { freshness })?.spec).toEqual({
      containers: [
        {
          name: 'envoy',
          image: 'docker.io/envoyproxy/envoy:v1.31.2',
          upgradeType: 'HotUpgrade',
          init: false,
          podInjectPolicy: 'BeforeAppContainer',
          hotUpgradeEmptyImage: 'registry.example.com/mesh/envoy-empty:1.0',
        },
      ],
      selector: 'mesh=on',
      namespaceSelector: 'env=prod',
      strategy: strategy(0, 1),
      injection: { paused: false },
      revisionHistoryLimit: 10,
    });
    const trace = m.sidecarSetDetail('trace-ss', { freshness });
    expect(trace?.eventGroups.groups.map((g) => [g.kinds, g.reason, g.workloads])).toEqual([[['SidecarSet'], 'NotUpgradablePods', []]]);
    // Revision trace-ss-5c6d7f8b9 (named by the pods) is no longer kept: the pods group has no number.
    expect(trace?.podGroups.map((g) => [g.revision, g.revisionNumber, g.updated, g.total])).toEqual([
      ['trace-ss-5c6d7f8b9', undefined, false, 2],
    ]);
  });
});
