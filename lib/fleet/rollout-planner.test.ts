import { describe, expect, it } from 'vitest';
import {
  HASH_NEW,
  HASH_OLD,
  HASH_WI,
  HASH_WI_OTHER,
  IMG_NEW,
  IMG_OLD,
  logPod,
  logPods,
  logSidecarSet,
  NAMESPACES,
  type PodOptions,
} from './kruise-fixtures.test-support';
import type { ControllerRevision, Pod, SidecarSet } from './k8s-types';
import { planRollout, planWithSpec, withChangedSpec } from './rollout-planner';

const names = (pods: Pod[]) => pods.map((p) => p.metadata.name);

/** pods / upgraded / upgraded-and-consistent as in the reference table; everything Running/Ready. */
function fleet(total: number, upgraded: number, consistent: number, extra: PodOptions = {}): Pod[] {
  return [
    ...logPods('old', total - upgraded, extra),
    ...logPods('new', consistent, { ...extra, state: 'updated' }),
    ...logPods('mid', upgraded - consistent, { ...extra, state: 'updating' }),
  ];
}

function plan(ss: SidecarSet, pods: Pod[]) {
  return planRollout({ sidecarSet: ss, pods, namespaceLabels: NAMESPACES });
}

describe('planRollout: worked cases of calculateUpgradeCount', () => {
  const cases: Array<{
    name: string;
    pods: Pod[];
    partition?: number | string;
    maxUnavailable: number | string;
    selector?: Record<string, string>;
    picked: number;
    notUpgradable?: number;
  }> = [
    { name: '100/30/26, maxU 10', pods: fleet(100, 30, 26), maxUnavailable: 10, picked: 6 },
    { name: '1000/300/260, maxU 10%', pods: fleet(1000, 300, 260), maxUnavailable: '10%', picked: 60 },
    { name: '1000/300/250, maxU 5%', pods: fleet(1000, 300, 250), maxUnavailable: '5%', picked: 0 },
    { name: '100/30/27, maxU 100', pods: fleet(100, 30, 27), maxUnavailable: 100, picked: 70 },
    { name: '1000/800/760, partition 180', pods: fleet(1000, 800, 760), partition: 180, maxUnavailable: 100, picked: 20 },
    { name: '1000/800/760, partition 100', pods: fleet(1000, 800, 760), partition: 100, maxUnavailable: 100, picked: 60 },
    { name: '1000/800/760, partition 18%', pods: fleet(1000, 800, 760), partition: '18%', maxUnavailable: 100, picked: 20 },
    { name: '1000/800/760, partition 10%', pods: fleet(1000, 800, 760), partition: '10%', maxUnavailable: 100, picked: 60 },
    {
      name: '1000/0/0, selector matches 30',
      pods: [...logPods('canary', 30, { labels: { app: 'web', canary: 'true' } }), ...logPods('rest', 970)],
      selector: { canary: 'true' },
      maxUnavailable: 100,
      picked: 30,
    },
    {
      name: '100/0/0, without-image hash differs',
      pods: logPods('old', 100, { withoutImageHash: HASH_WI_OTHER }),
      maxUnavailable: 100,
      picked: 0,
      notUpgradable: 100,
    },
    { name: '5/0/0, maxU 5%', pods: fleet(5, 0, 0), maxUnavailable: '5%', picked: 1 },
    { name: '5/0/0, partition 99%', pods: fleet(5, 0, 0), partition: '99%', maxUnavailable: 5, picked: 1 },
    { name: '5/0/0, partition 1%', pods: fleet(5, 0, 0), partition: '1%', maxUnavailable: 5, picked: 4 },
  ];

  for (const c of cases) {
    it(c.name, () => {
      const ss = logSidecarSet({
        updateStrategy: {
          type: 'RollingUpdate',
          maxUnavailable: c.maxUnavailable,
          ...(c.partition !== undefined ? { partition: c.partition } : {}),
          ...(c.selector ? { selector: { matchLabels: c.selector } } : {}),
        },
      });
      const p = plan(ss, c.pods);
      expect(p.nextRound.length).toBe(c.picked);
      expect(p.notUpgradable.length).toBe(c.notUpgradable ?? 0);
      expect(p.status.matchedPods).toBe(c.pods.length);
    });
  }

  it('100/30/26: status, budget and reasons in full', () => {
    const pods = fleet(100, 30, 26);
    const p = plan(logSidecarSet({ updateStrategy: { maxUnavailable: 10 } }), pods);
    expect(p.status).toEqual({ matchedPods: 100, updatedPods: 30, readyPods: 96, updatedReadyPods: 26 });
    expect(p.unavailable).toBe(4);
    expect(p.maxUnavailable).toBe(10);
    expect(p.partition).toBe(0);
    expect(p.candidates.length).toBe(70);
    expect(p.blockedBy).toEqual(['maxUnavailable']);
    // Every old pod is alike but for its name: the namespace/name tiebreak decides.
    expect(names(p.nextRound)).toEqual(['old-0000', 'old-0001', 'old-0002', 'old-0003', 'old-0004', 'old-0005']);
  });

  it('1000/800/760 with partition 180 keeps the last 180 candidates', () => {
    const p = plan(logSidecarSet({ updateStrategy: { partition: 180, maxUnavailable: 100 } }), fleet(1000, 800, 760));
    expect(p.partition).toBe(180);
    expect(p.unavailable).toBe(40);
    expect(p.blockedBy).toEqual(['partition']);
    expect(names(p.nextRound)).toEqual(names(p.candidates.slice(0, 20)));
  });

  it('5/0/0 with 99%: P is capped to matched-1, "100%" keeps all', () => {
    const pods = fleet(5, 0, 0);
    expect(plan(logSidecarSet({ updateStrategy: { partition: '99%', maxUnavailable: 5 } }), pods).partition).toBe(4);
    const all = plan(logSidecarSet({ updateStrategy: { partition: '100%', maxUnavailable: 5 } }), pods);
    expect(all.partition).toBe(5);
    expect(all.nextRound).toEqual([]);
    expect(all.blockedBy).toEqual(['partition']);
  });
});

describe('planRollout: status (calculateStatus)', () => {
  it('counts updated pods whose new image fails, but not as ready', () => {
    const pods = [logPod('a', { state: 'failing', ready: false }), logPod('b', { state: 'updated' }), logPod('c')];
    const p = plan(logSidecarSet(), pods);
    expect(p.status).toEqual({ matchedPods: 3, updatedPods: 2, readyPods: 2, updatedReadyPods: 1 });
    expect(p.unavailable).toBe(1);
    // The failing pod uses the only unit of budget: the rollout stalls by itself.
    expect(p.nextRound).toEqual([]);
    expect(p.blockedBy).toEqual(['maxUnavailable']);
  });

  it('leaves out pods that are terminating, finished, not injected, or outside the selectors', () => {
    const notInjected = logPod('not-injected');
    delete notInjected.metadata.annotations?.['kruise.io/sidecarset-injected-list'];
    const noContainer = logPod('no-container');
    noContainer.spec.containers = noContainer.spec.containers.filter((c) => c.name !== 'log-agent');
    const pods = [
      logPod('ok'),
      logPod('deleting', { deleting: true }),
      logPod('done', { phase: 'Succeeded', ready: false }),
      logPod('other-app', { labels: { app: 'api' } }),
      logPod('other-ns', { namespace: 'kube-system' }),
      notInjected,
      noContainer,
    ];
    const ss = logSidecarSet({ namespaceSelector: { matchLabels: { team: 'commerce' } } });
    expect(names(plan(ss, pods).matched)).toEqual(['ok']);
    // Without a namespaceSelector every namespace counts.
    expect(names(plan(logSidecarSet(), pods).matched)).toEqual(['other-ns', 'ok']);
  });

  it('an empty selector matches nothing', () => {
    expect(plan(logSidecarSet({ selector: {} }), [logPod('a')]).matched).toEqual([]);
  });

  it('reads the legacy {"name":"hash"} annotations', () => {
    const pods = [logPod('legacy-old', { legacyAnnotations: true }), logPod('legacy-new', { legacyAnnotations: true, state: 'updated' })];
    const p = plan(logSidecarSet(), pods);
    expect(p.status).toEqual({ matchedPods: 2, updatedPods: 1, readyPods: 2, updatedReadyPods: 1 });
    expect(names(p.nextRound)).toEqual(['legacy-old']);
  });

  it('complete when every matched pod is updated, and when nothing matches', () => {
    const done = plan(logSidecarSet(), logPods('new', 3, { state: 'updated' }));
    expect(done.nextRound).toEqual([]);
    expect(done.blockedBy).toEqual(['complete']);
    expect(plan(logSidecarSet(), []).blockedBy).toEqual(['complete']);
  });
});

describe('planRollout: candidates (SortNextUpgradePods)', () => {
  it('takes not-ready pods first and without budget', () => {
    const pods = [logPod('r1'), logPod('r2'), logPod('nr1', { ready: false }), logPod('r3'), logPod('nr2', { ready: false })];
    const p = plan(logSidecarSet({ updateStrategy: { maxUnavailable: 1 } }), pods);
    expect(names(p.candidates)).toEqual(['nr1', 'nr2', 'r1', 'r2', 'r3']);
    expect(names(p.nextRound)).toEqual(['nr1', 'nr2', 'r1']);
    expect(p.blockedBy).toEqual(['maxUnavailable']);
  });

  it('maxUnavailable 0 freezes ready pods but lets not-ready ones through', () => {
    const pods = [logPod('r1'), logPod('nr1', { ready: false })];
    const p = plan(logSidecarSet({ updateStrategy: { maxUnavailable: 0 } }), pods);
    expect(p.maxUnavailable).toBe(0);
    expect(names(p.nextRound)).toEqual(['nr1']);
  });

  it('breaks (not continues) when the budget runs out, so a not-ready pod after it waits', () => {
    const pods = [
      logPod('heavy', { labels: { app: 'web', tier: 'gold' } }),
      logPod('light', { labels: { app: 'web', tier: 'silver' } }),
      logPod('broken', { ready: false, labels: { app: 'web' } }),
    ];
    const ss = logSidecarSet({
      updateStrategy: {
        maxUnavailable: 1,
        priorityStrategy: {
          weightPriority: [
            { weight: 100, matchSelector: { matchLabels: { tier: 'gold' } } },
            { weight: 50, matchSelector: { matchLabels: { tier: 'silver' } } },
          ],
        },
      },
    });
    const p = plan(ss, pods);
    expect(names(p.candidates)).toEqual(['heavy', 'light', 'broken']);
    expect(names(p.nextRound)).toEqual(['heavy']);
  });

  it('follows ActivePods order: unscheduled, Pending, not ready, recently ready, restarts, newer', () => {
    const pods = [
      logPod('old-ready', { readySince: '2025-11-20T08:00:00Z', created: '2025-11-20T07:00:00Z' }),
      logPod('recent-ready', { readySince: '2025-11-21T08:00:00Z' }),
      logPod('restarts', { readySince: '2025-11-20T08:00:00Z', restarts: 3 }),
      logPod('newer', { readySince: '2025-11-20T08:00:00Z', created: '2025-11-20T07:30:00Z' }),
      logPod('not-ready', { ready: false }),
      logPod('pending', { phase: 'Pending', ready: false }),
      logPod('unscheduled', { phase: 'Pending', ready: false, nodeName: null }),
    ];
    const p = plan(logSidecarSet({ updateStrategy: { maxUnavailable: 100 } }), pods);
    expect(names(p.candidates)).toEqual(['unscheduled', 'pending', 'not-ready', 'recent-ready', 'restarts', 'newer', 'old-ready']);
  });

  it('orderPriority: pods with none of the keys come first (quirk), then lower level, larger number first', () => {
    const pods = [
      logPod('sts-1', { labels: { app: 'web', rank: 'sts-1' } }),
      logPod('sts-10', { labels: { app: 'web', rank: 'sts-10' } }),
      logPod('zone-3', { labels: { app: 'web', zone: 'z3' } }),
      logPod('plain', { labels: { app: 'web' } }),
    ];
    const ss = logSidecarSet({
      updateStrategy: { maxUnavailable: 100, priorityStrategy: { orderPriority: [{ orderedKey: 'rank' }, { orderedKey: 'zone' }] } },
    });
    expect(names(plan(ss, pods).candidates)).toEqual(['plain', 'sts-10', 'sts-1', 'zone-3']);
  });

  it('scatterStrategy spreads matching pods and puts the last one at the end', () => {
    const pods = [
      ...['a0', 'a1', 'a2'].map((n) => logPod(n, { labels: { app: 'web', zone: 'a' } })),
      ...['b0', 'b1', 'b2', 'b3', 'b4', 'b5'].map((n) => logPod(n, { labels: { app: 'web', zone: 'b' } })),
    ];
    const ss = logSidecarSet({ updateStrategy: { maxUnavailable: 100, scatterStrategy: [{ key: 'zone', value: 'a' }] } });
    const order = names(plan(ss, pods).candidates);
    expect(order).toEqual(['a0', 'b0', 'b1', 'b2', 'a1', 'b3', 'b4', 'b5', 'a2']);
    // Fewer than two matches: the order is left alone.
    const one = logSidecarSet({ updateStrategy: { maxUnavailable: 100, scatterStrategy: [{ key: 'zone', value: 'x' }] } });
    expect(names(plan(one, pods).candidates)).toEqual(['a0', 'a1', 'a2', 'b0', 'b1', 'b2', 'b3', 'b4', 'b5']);
  });

  it('scatter value "*" expands to every value of the key', () => {
    const pods = ['a0', 'a1', 'b0', 'b1', 'c0', 'c1'].map((n) => logPod(n, { labels: { app: 'web', zone: n[0] as string } }));
    const ss = logSidecarSet({ updateStrategy: { maxUnavailable: 100, scatterStrategy: [{ key: 'zone', value: '*' }] } });
    const order = names(plan(ss, pods).candidates);
    // One pass per expanded term (zone=a, zone=b, zone=c), each moving its last pod to the end.
    expect(order).toEqual(['c0', 'b0', 'a0', 'a1', 'b1', 'c1']);
  });

  it('classifies not-updated pods: selector first, then not upgradable, then in flight', () => {
    // In flight: the spec moved on again while an earlier image change has not landed.
    const inflight = logPod('inflight', { state: 'updating' });
    inflight.metadata.annotations!['kruise.io/sidecarset-hash'] = JSON.stringify({ 'log-ss': { hash: 'older', sidecarSetName: 'log-ss' } });
    const pods = [
      logPod('cand', { labels: { app: 'web', canary: 'yes' } }),
      logPod('outside', { labels: { app: 'web' } }),
      logPod('immutable', { labels: { app: 'web', canary: 'yes' }, withoutImageHash: HASH_WI_OTHER }),
      logPod('outside-immutable', { labels: { app: 'web' }, withoutImageHash: HASH_WI_OTHER }),
      { ...inflight, metadata: { ...inflight.metadata, labels: { app: 'web', canary: 'yes' } } },
    ];
    const ss = logSidecarSet({ updateStrategy: { maxUnavailable: 10, selector: { matchLabels: { canary: 'yes' } } } });
    const p = plan(ss, pods);
    expect(names(p.candidates)).toEqual(['cand']);
    expect(names(p.selectorExcluded)).toEqual(['outside', 'outside-immutable']);
    expect(names(p.notUpgradable)).toEqual(['immutable']);
    expect(names(p.inFlight)).toEqual(['inflight']);
    expect(names(p.nextRound)).toEqual(['cand']);
    expect(p.blockedBy).toEqual(['selector', 'notUpgradable', 'inFlight']);
  });

  it('partition counts candidates only: not-upgradable pods do not count toward the P kept', () => {
    const pods = [...logPods('c', 4), ...logPods('x', 6, { withoutImageHash: HASH_WI_OTHER })];
    const p = plan(logSidecarSet({ updateStrategy: { partition: 3, maxUnavailable: 10 } }), pods);
    expect(p.candidates.length).toBe(4);
    expect(names(p.nextRound)).toEqual(['c-0000']);
    expect(p.blockedBy).toEqual(['notUpgradable', 'partition']);
  });

  it('paused and NotUpdate plan nothing but still say what would go next', () => {
    const pods = logPods('p', 3);
    const paused = plan(logSidecarSet({ updateStrategy: { paused: true, maxUnavailable: 2 } }), pods);
    expect(paused.nextRound).toEqual([]);
    expect(names(paused.selection)).toEqual(['p-0000', 'p-0001']);
    expect(paused.blockedBy).toEqual(['paused', 'maxUnavailable']);
    const notUpdate = plan(logSidecarSet({ updateStrategy: { type: 'NotUpdate' } }), pods);
    expect(notUpdate.nextRound).toEqual([]);
    expect(notUpdate.blockedBy[0]).toBe('notUpdate');
    expect(notUpdate.status.matchedPods).toBe(3);
  });
});

describe('planRollout: hot upgrade', () => {
  const EMPTY = 'openkruise/hotupgrade-sample:empty';
  function meshSidecarSet(): SidecarSet {
    const ss = logSidecarSet(
      {
        containers: [
          {
            name: 'envoy',
            image: 'docker.io/envoyproxy/envoy:v1.31.2',
            podInjectPolicy: 'BeforeAppContainer',
            upgradeStrategy: { upgradeType: 'HotUpgrade', hotUpgradeEmptyImage: EMPTY },
          },
        ],
      },
      'mesh-ss',
    );
    return ss;
  }
  function meshPod(name: string, working: 'envoy-1' | 'envoy-2', images: [string, string]): Pod {
    const base = logPod(name, { sidecarSet: 'mesh-ss' });
    base.metadata.annotations!['kruise.io/sidecarset-working-hotupgrade-container'] = JSON.stringify({ envoy: working });
    base.spec.containers = [
      { name: 'envoy-1', image: images[0] },
      { name: 'envoy-2', image: images[1] },
      ...base.spec.containers.filter((c) => c.name === 'nginx'),
    ];
    base.status!.containerStatuses = [
      { name: 'envoy-1', image: images[0], imageID: `${images[0]}@sha256:aa`, ready: true, restartCount: 0 },
      { name: 'envoy-2', image: images[1], imageID: `${images[1]}@sha256:bb`, ready: true, restartCount: 0 },
      ...(base.status!.containerStatuses ?? []).filter((c) => c.name === 'nginx'),
    ];
    return base;
  }

  it('a pod whose idle twin still runs the old image is not ready and gets reset first', () => {
    const ss = meshSidecarSet();
    ss.metadata.annotations!['kruise.io/sidecarset-hash'] = HASH_OLD; // pods are updated
    const settled = meshPod('settled', 'envoy-1', ['docker.io/envoyproxy/envoy:v1.31.2', EMPTY]);
    const migrating = meshPod('migrating', 'envoy-2', ['docker.io/envoyproxy/envoy:v1.31.1', 'docker.io/envoyproxy/envoy:v1.31.2']);
    const p = plan(ss, [settled, migrating]);
    expect(p.status).toEqual({ matchedPods: 2, updatedPods: 2, readyPods: 1, updatedReadyPods: 1 });
    expect(names(p.hotUpgradeReset)).toEqual(['migrating']);
  });

  it('a pod without both twins is not matched', () => {
    const ss = meshSidecarSet();
    const pod = meshPod('half', 'envoy-1', ['docker.io/envoyproxy/envoy:v1.31.2', EMPTY]);
    pod.spec.containers = pod.spec.containers.filter((c) => c.name !== 'envoy-2');
    expect(plan(ss, [pod]).matched).toEqual([]);
  });
});

describe('planWithSpec: what if the spec changed', () => {
  it('a new image makes every matched pod not updated; partition in the same change holds the rest', () => {
    const ss = logSidecarSet();
    ss.metadata.annotations!['kruise.io/sidecarset-hash'] = HASH_OLD; // the fleet is rolled out on 1.35
    const pods = logPods('p', 10);
    expect(plan(ss, pods).blockedBy).toEqual(['complete']);
    const next = structuredClone(ss.spec);
    next.containers![0]!.image = 'docker.io/library/busybox:1.37';
    next.updateStrategy = { ...next.updateStrategy, partition: '90%', maxUnavailable: 1 };
    const p = planWithSpec({ sidecarSet: ss, pods, namespaceLabels: NAMESPACES }, next);
    expect(p.status.updatedPods).toBe(0);
    expect(p.partition).toBe(9);
    expect(names(p.nextRound)).toEqual(['p-0000']);
    expect(p.notUpgradable).toEqual([]);
  });

  it('only a strategy change keeps the hashes', () => {
    const ss = logSidecarSet();
    const pods = [logPod('a'), logPod('b', { state: 'updated' })];
    const p = planWithSpec({ sidecarSet: ss, pods, namespaceLabels: NAMESPACES }, { ...ss.spec, updateStrategy: { paused: true } });
    expect(p.status.updatedPods).toBe(1);
    expect(p.blockedBy).toEqual(['paused']);
  });

  it('a change beyond the image makes pods not upgradable', () => {
    const ss = logSidecarSet();
    const next = structuredClone(ss.spec);
    next.containers![0]!.env = [{ name: 'LOG_LEVEL', value: 'debug' }];
    const p = planWithSpec({ sidecarSet: ss, pods: logPods('p', 3), namespaceLabels: NAMESPACES }, next);
    expect(p.notUpgradable.length).toBe(3);
    expect(p.nextRound).toEqual([]);
  });

  it('rolling back to a stored revision reuses its hash, so pods still on it count as updated', () => {
    const ss = logSidecarSet(); // current: 1.36 (HASH_NEW)
    const oldSpec = structuredClone(ss.spec);
    oldSpec.containers![0]!.image = IMG_OLD;
    const rev: ControllerRevision = {
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: {
        name: 'log-ss-58d4b7c9f',
        namespace: 'kruise-system',
        labels: { 'kruise.io/sidecarset-name': 'log-ss' },
        annotations: { 'kruise.io/sidecarset-hash': HASH_OLD, 'kruise.io/sidecarset-hash-without-image': HASH_WI },
      },
      data: {
        spec: {
          $patch: 'replace',
          volumes: null,
          containers: oldSpec.containers,
          initContainers: null,
          imagePullSecrets: null,
          patchPodMetadata: null,
        },
      },
      revision: 1,
    };
    const predicted = withChangedSpec(ss, oldSpec, { revisions: [rev] });
    expect(predicted.metadata.annotations?.['kruise.io/sidecarset-hash']).toBe(HASH_OLD);
    expect(predicted.metadata.annotations?.['kruise.io/sidecarset-hash-without-image']).toBe(HASH_WI);
    const pods = [logPod('still-old'), logPod('moved', { state: 'updated' })];
    const p = planWithSpec({ sidecarSet: ss, pods, namespaceLabels: NAMESPACES, revisions: [rev] }, oldSpec);
    expect(p.status.updatedPods).toBe(1);
    expect(names(p.nextRound)).toEqual(['moved']);
    expect(p.nextRound[0]?.spec.containers[0]?.image).toBe(IMG_NEW);
    expect(HASH_NEW).not.toBe(HASH_OLD);
  });
});

describe('planRollout: pods Kruise ranks equally at a cut', () => {
  const ss = (updateStrategy: Record<string, unknown>) => logSidecarSet({ updateStrategy: { type: 'RollingUpdate', ...updateStrategy } });

  it('says which pods the partition cut chooses among when every pod ranks the same', () => {
    // Ten pods created and ready in the same second: ActivePods cannot tell them apart.
    const p = plan(ss({ partition: '70%', maxUnavailable: 3 }), logPods('old', 10));
    expect(p.selection).toHaveLength(3);
    expect(p.partitionTie?.pick).toBe(3);
    expect(names(p.partitionTie?.pods ?? [])).toEqual(names(p.candidates));
    expect(p.selectionTie).toEqual(p.partitionTie);
  });

  it('finds no tie where the ranks differ at the cut, and bounds the tie to the equal run', () => {
    const early = logPods('a', 2, { created: '2025-11-20T07:00:00Z', readySince: '2025-11-20T07:01:00Z' });
    const late = logPods('b', 4, { created: '2025-11-20T08:00:00Z', readySince: '2025-11-20T08:01:00Z' });
    // Newer and more recently ready first: the four b pods, then the two a pods.
    const four = plan(ss({ maxUnavailable: 4 }), [...early, ...late]);
    expect(names(four.selection)).toEqual(names(late));
    expect(four.selectionTie).toBeUndefined();
    const two = plan(ss({ maxUnavailable: 2 }), [...early, ...late]);
    expect(two.selectionTie).toEqual({ pods: late, pick: 2 });
    const five = plan(ss({ maxUnavailable: 5 }), [...early, ...late]);
    expect(five.selectionTie).toEqual({ pods: early, pick: 1 });
  });

  it('counts priority weights in the rank', () => {
    const gold = logPods('gold', 2, { labels: { app: 'web', tier: 'gold' } });
    const rest = logPods('rest', 3);
    const p = plan(
      ss({ maxUnavailable: 2, priorityStrategy: { weightPriority: [{ weight: 50, matchSelector: { matchLabels: { tier: 'gold' } } }] } }),
      [...rest, ...gold],
    );
    expect(names(p.selection)).toEqual(names(gold));
    expect(p.selectionTie).toBeUndefined();
  });
});

describe('planRollout: the order of matched pods', () => {
  // Namespaces where one is the start of another: the '/' after the shorter one decides.
  const labels = { 'kubernetes.io/metadata.name': 'x' };
  const namespaceLabels = Object.fromEntries(['a', 'a-b', 'a0', 'ab', 'b'].map((n) => [n, labels]));
  const pods = [
    logPod('web-2', { namespace: 'ab' }),
    logPod('web-1', { namespace: 'a0' }),
    logPod('web-3', { namespace: 'a' }),
    logPod('web-1', { namespace: 'a-b' }),
    logPod('web-10', { namespace: 'a' }),
    logPod('web-1', { namespace: 'b' }),
    logPod('web-1', { namespace: 'a' }),
  ];
  const keys = (list: Pod[]) => list.map((p) => `${p.metadata.namespace}/${p.metadata.name}`);
  const byKey = [...keys(pods)].sort();

  it('is namespace/name order, whatever order the pods come in', () => {
    const ss = logSidecarSet({ updateStrategy: { maxUnavailable: 100 } });
    expect(byKey).toEqual(['a-b/web-1', 'a/web-1', 'a/web-10', 'a/web-3', 'a0/web-1', 'ab/web-2', 'b/web-1']);
    const scrambled = planRollout({ sidecarSet: ss, pods, namespaceLabels });
    expect(keys(scrambled.matched)).toEqual(byKey);
    // Each pod keeps its own facts through the sort: all are old, so all are candidates.
    expect(scrambled.status.matchedPods).toBe(7);
    expect(scrambled.candidates).toHaveLength(7);

    const inOrder = planRollout({ sidecarSet: ss, pods: [...byKey.map((k) => pods[keys(pods).indexOf(k)] as Pod)], namespaceLabels });
    expect(keys(inOrder.matched)).toEqual(byKey);
    expect(keys(inOrder.nextRound)).toEqual(keys(scrambled.nextRound));
  });

  it('keeps each pod with its own facts when some are updated', () => {
    const mixed = [
      logPod('z', { namespace: 'a', state: 'updated' }),
      logPod('y', { namespace: 'a' }),
      logPod('x', { namespace: 'a-b', state: 'updated' }),
    ];
    const p = planRollout({ sidecarSet: logSidecarSet({ updateStrategy: { maxUnavailable: 100 } }), pods: mixed, namespaceLabels });
    expect(keys(p.matched)).toEqual(['a-b/x', 'a/y', 'a/z']);
    expect(p.status.updatedPods).toBe(2);
    expect(keys(p.candidates)).toEqual(['a/y']);
  });
});
