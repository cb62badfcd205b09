import { describe, expect, it } from 'vitest';
import type { ClusterSnapshot } from './cluster-state';
import type { ControllerRevision, Namespace } from './k8s-types';
import { HASH_NEW, HASH_OLD, IMG_NEW, IMG_OLD, logPod, logSidecarSet, NAMESPACES } from './kruise-fixtures.test-support';
import { rolloutsInProgress } from './pause-all';
import { buildCanary, buildPause, buildResume, seenFrom } from './rollout-actions';
import { dialogContext, matchedPods, previewChange, resolveScope, rolloutSnapshot, serverSeen } from './rollout-preview';

/** A SidecarSet ControllerRevision as the dashboard's cache keeps it (annotations trimmed). */
function revision(name: string, revision: number, image: string): ControllerRevision {
  return {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name,
      namespace: 'kruise-system',
      labels: { 'kruise.io/sidecarset-name': 'log-ss' },
      creationTimestamp: '2025-11-20T07:59:00Z',
    },
    data: { spec: { containers: [{ name: 'log-agent', image }] } },
    revision,
  };
}

function namespace(name: string): Namespace {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: NAMESPACES[name] ?? { 'kubernetes.io/metadata.name': name } } };
}

const replicaSet = (ns: string) => ({
  kind: 'ReplicaSet',
  metadata: {
    name: 'web-7d4b9c6f5',
    namespace: ns,
    uid: `rs-${ns}`,
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: `deploy-${ns}`, controller: true }],
  },
  replicas: 4,
});

/**
 * log-ss rolled busybox 1.35 → 1.36 over one pod of four in `shop`, partition 3; a fifth pod in
 * `pay` (team label) is still old; a pod injected by nobody is around too.
 */
function cluster(): ClusterSnapshot {
  const ss = logSidecarSet({ updateStrategy: { type: 'RollingUpdate', partition: 3, maxUnavailable: 1 } });
  const pay = logPod('web-p1', { namespace: 'pay', labels: { app: 'web', team: 'pay', 'pod-template-hash': '7d4b9c6f5' } });
  pay.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d4b9c6f5', uid: 'rs-pay', controller: true }];
  const other = logPod('lonely', { sidecarSet: 'other-ss' });
  return {
    pods: [logPod('web-a', { state: 'updated' }), logPod('web-b'), logPod('web-c'), logPod('web-d'), pay, other],
    sidecarSets: [ss],
    namespaces: [namespace('shop'), namespace('pay')],
    replicaSets: [replicaSet('shop'), replicaSet('pay')].map((rs) => ({ ...rs, metadata: { ...rs.metadata } })),
    deployments: [],
    statefulSets: [],
    daemonSets: [],
    revisions: [revision('log-ss-58d4b7c9f', 1, IMG_OLD), revision('log-ss-6f9c7d5b8', 2, IMG_NEW)],
    events: [],
  };
}

function snapshot() {
  const s = rolloutSnapshot(cluster(), 'log-ss');
  if (!s) throw new Error('log-ss is in the fixture');
  return s;
}

describe('rolloutSnapshot', () => {
  it('keeps the pods the SidecarSet injected and takes each revision hash from the pods on it', () => {
    const s = snapshot();
    expect(s.pods.map((p) => `${p.metadata.namespace}/${p.metadata.name}`)).toEqual([
      'shop/web-a',
      'shop/web-b',
      'shop/web-c',
      'shop/web-d',
      'pay/web-p1',
    ]);
    expect(s.namespaceLabels).toEqual({ shop: NAMESPACES.shop, pay: { 'kubernetes.io/metadata.name': 'pay' } });
    expect(s.revisions.map((r) => [r.metadata.name, r.metadata.annotations?.['kruise.io/sidecarset-hash']])).toEqual([
      ['log-ss-58d4b7c9f', HASH_OLD],
      ['log-ss-6f9c7d5b8', HASH_NEW],
    ]);
    expect(rolloutSnapshot(cluster(), 'missing')).toBeNull();
  });
});

describe('dialogContext', () => {
  it('offers the containers, scopes with their matched pods, revisions and the strategy', () => {
    const s = snapshot();
    expect(matchedPods(s)).toHaveLength(5);
    expect(dialogContext(s)).toEqual({
      seen: { ...seenFrom(s.sidecarSet), matchedPods: 5 },
      matched: 5,
      containers: [{ name: 'log-agent', image: IMG_NEW, upgradeType: 'ColdUpgrade' }],
      namespaces: [
        { value: 'pay', label: 'pay', pods: 1 },
        { value: 'shop', label: 'shop', pods: 4 },
      ],
      workloads: [
        { value: 'pay/Deployment/web', label: 'Deployment pay/web', pods: 1 },
        { value: 'shop/Deployment/web', label: 'Deployment shop/web', pods: 4 },
      ],
      // app=web is on every matched pod: no use as a scope; pod-template-hash is noise.
      labels: [{ value: 'team=pay', label: 'team=pay', pods: 1 }],
      revisions: [
        { name: 'log-ss-6f9c7d5b8', revision: 2, containers: [{ name: 'log-agent', image: IMG_NEW }], current: true, pods: 1 },
        { name: 'log-ss-58d4b7c9f', revision: 1, containers: [{ name: 'log-agent', image: IMG_OLD }], current: false, pods: 4 },
      ],
      strategy: { type: 'RollingUpdate', paused: false, partition: 3, maxUnavailable: 1 },
      partitionKeeps: 3,
      guard: { configured: false },
    });
  });
});

describe('resolveScope', () => {
  it('turns a namespace or workload into exactly its matched pods, and a label into a selector', () => {
    const s = snapshot();
    expect(resolveScope(s, { kind: 'namespace', namespace: 'pay' }, 't1')).toEqual({
      scope: { kind: 'pods', description: 'namespace pay', pods: [{ namespace: 'pay', name: 'web-p1' }], token: 't1' },
    });
    expect(resolveScope(s, { kind: 'workload', workload: 'shop/Deployment/web' }, 't2')).toEqual({
      scope: {
        kind: 'pods',
        description: 'Deployment shop/web',
        pods: ['web-a', 'web-b', 'web-c', 'web-d'].map((name) => ({ namespace: 'shop', name })),
        token: 't2',
      },
    });
    expect(resolveScope(s, { kind: 'label', label: 'team=pay' }, 'x')).toEqual({
      scope: { kind: 'selector', selector: { matchLabels: { team: 'pay' } } },
    });
    expect(resolveScope(s, { kind: 'label', label: '=pay' }, 'x')).toEqual({ error: 'Choose a label as key=value.' });
    expect(resolveScope(s, { kind: 'percent', percent: 20 }, 'x')).toEqual({ scope: { kind: 'percent', percent: 20 } });
  });
});

describe('previewChange', () => {
  it('lists every pod Kruise may pick where they rank equally, and how many it takes', () => {
    const s = snapshot();
    const built = buildCanary(serverSeen(s), {
      container: 'log-agent',
      image: 'docker.io/library/busybox:1.37',
      scope: { kind: 'percent', percent: 40 },
    });
    if (!built.ok) throw new Error(built.message);
    const r = previewChange(s, built.change);
    const pod = (namespace: string, name: string) => ({
      namespace,
      name,
      workload: 'Deployment/web',
      nextRound: false,
      ifPicked: 'covered',
    });
    expect(r).toEqual({
      ok: true,
      preview: {
        sidecarSet: 'log-ss',
        matched: 5,
        updatedAfter: 0,
        // partition "60%" of 5 keeps ceil(3) on the old image: two pods are covered, one per round.
        // All five were created and became ready in the same second: Kruise's order cannot tell
        // them apart, so any two of them may be the ones.
        pods: [pod('pay', 'web-p1'), pod('shop', 'web-a'), pod('shop', 'web-b'), pod('shop', 'web-c'), pod('shop', 'web-d')],
        nextRoundTotal: 1,
        nextRoundTie: { pick: 1, of: 5 },
        coverTie: { pick: 2, of: 5 },
        coverTotal: 2,
        notCovered: { partition: 3, selector: 0, notUpgradable: 0 },
        paused: false,
        diff: built.change.diff,
        summary: built.change.summary,
        warnings: [],
      },
    });
  });

  it('lists the pods a canary covers in upgrade order where Kruise ranks them apart', () => {
    const s = snapshot();
    // web-p1 became ready a minute later than the others: Kruise's order takes it first.
    const later = s.pods.map((p) =>
      p.metadata.name === 'web-p1'
        ? {
            ...p,
            status: {
              ...p.status,
              conditions: (p.status?.conditions ?? []).map((c) =>
                c.type === 'Ready' ? { ...c, lastTransitionTime: '2025-11-20T09:00:00Z' } : c,
              ),
            },
          }
        : p,
    );
    const built = buildCanary(serverSeen({ ...s, pods: later }), {
      container: 'log-agent',
      image: 'docker.io/library/busybox:1.37',
      scope: { kind: 'percent', percent: 20 },
    });
    if (!built.ok) throw new Error(built.message);
    const r = previewChange({ ...s, pods: later }, built.change);
    if (!r.ok) throw new Error('stale');
    // partition "80%" of 5 keeps 4: the one covered pod is web-p1, in the next round, for certain.
    expect(r.preview.pods).toEqual([{ namespace: 'pay', name: 'web-p1', workload: 'Deployment/web', nextRound: true }]);
    expect([r.preview.nextRoundTie, r.preview.coverTie, r.preview.coverTotal]).toEqual([undefined, undefined, 1]);
  });

  it('refuses to apply a change that updates no pod while some are behind (kruise#1307)', () => {
    const s = snapshot();
    const built = buildCanary(serverSeen(s), {
      container: 'log-agent',
      image: 'docker.io/library/busybox:1.37',
      scope: { kind: 'selector', selector: { matchLabels: { team: 'nobody' } } },
    });
    if (!built.ok) throw new Error(built.message);
    const r = previewChange(s, built.change);
    if (!r.ok) throw new Error('stale');
    expect(r.preview.coverTotal).toBe(0);
    expect(r.preview.refusal).toBe('This change updates no pod: no matched pod can be upgraded in place.');
    expect(r.preview.warnings).toEqual(['This change updates no pod: no matched pod can be upgraded in place.']);
  });

  it('never refuses pause or resume, and says when the change was built on a view the cluster no longer has', () => {
    const s = snapshot();
    const pause = buildPause(serverSeen(s));
    if (!pause.ok) throw new Error(pause.message);
    const paused = previewChange(s, pause.change);
    expect(paused.ok && paused.preview.refusal).toBeUndefined();
    expect(paused.ok && [paused.preview.paused, paused.preview.nextRoundTotal]).toEqual([true, 0]);

    const seen = serverSeen(s);
    const stale = buildResume({ ...seen, updateStrategy: { ...seen.updateStrategy, paused: true } });
    if (!stale.ok) throw new Error(stale.message);
    // The view says paused; the snapshot is not: the resume's `test` fails before anything is sent.
    expect(previewChange(s, stale.change)).toEqual({ ok: false, stale: true });
  });
});

describe('rolloutsInProgress', () => {
  it('picks the rolling, unpaused SidecarSets with pods behind', () => {
    const c = cluster();
    const paused = logSidecarSet({ updateStrategy: { type: 'RollingUpdate', paused: true } }, 'paused-ss');
    const notUpdate = logSidecarSet({ updateStrategy: { type: 'NotUpdate' } }, 'frozen-ss');
    const done = logSidecarSet({}, 'other-ss');
    const picked = rolloutsInProgress({ pods: c.pods, sidecarSets: [done, notUpdate, paused, ...c.sidecarSets] });
    expect(picked.map((ss) => ss.metadata.name)).toEqual(['log-ss', 'other-ss']);
  });
});
