import { describe, expect, it } from 'vitest';
import type { KubeEvent } from './cluster-state';
import { buildFleetModel, createFleetMemo, fleetModelSteps } from './fleet-model';
import type { Pod, SidecarSet } from './k8s-types';
import { scaleSnapshot } from './scale-fleet.test-support';
import type { Freshness } from './views';

const freshness: Freshness = { live: true, errors: [], generatedAt: 'now' };
const cluster = {} as never;

describe('aggregation at scale', () => {
  it('10,000 pods and 50 SidecarSets: a cold build, then rebuilds after a few pods changed', () => {
    const snap = scaleSnapshot(10_000, 50);
    // Warm the JIT once on a small fleet, as a running server would be.
    buildFleetModel(scaleSnapshot(500, 50), new Date()).overview({ cluster, freshness });
    const memo = createFleetMemo();
    const now = new Date('2026-11-20T10:00:00Z');

    const cpu = () => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1000;
    };
    const t0 = performance.now();
    const c0 = cpu();
    const m = buildFleetModel(snap, now, memo);
    const o = m.overview({ cluster, freshness });
    const w = m.workloads({ namespace: 'team-7', state: 'drift', sort: 'outdated', dir: 'desc', page: 1, pageSize: 50 }, { freshness });
    const q = m.workloads({ q: 'agent-3', page: 2, pageSize: 50 }, { freshness });
    const d = m.sidecarSetDetail('ss-07', { freshness });
    const cold = performance.now() - t0;
    const coldCpu = cpu() - c0;

    // A watch event replaces ten pod objects (a kubelet status update): the cache's next snapshot.
    const pods = [...snap.pods];
    for (let i = 0; i < 10; i++) {
      const at = i * 997;
      const p = pods[at] as Pod;
      pods[at] = { ...p, status: { ...p.status, conditions: [{ type: 'Ready', status: 'False' }] } };
    }
    const t1 = performance.now();
    const c1 = cpu();
    const m2 = buildFleetModel({ ...snap, pods }, now, memo);
    const o2 = m2.overview({ cluster, freshness });
    m2.workloads({ page: 3, pageSize: 50 }, { freshness });
    const warm = performance.now() - t1;
    const warmCpu = cpu() - c1;
    console.log(
      `10,000 pods / 50 SidecarSets: cold build + overview + 2 pages + detail ${cold.toFixed(0)} ms (CPU ${coldCpu.toFixed(0)} ms); ` +
        `rebuild after 10 pods changed ${warm.toFixed(0)} ms (CPU ${warmCpu.toFixed(0)} ms)`,
    );

    expect(o.totals.pods).toBe(10_000);
    expect(o.sidecarSets).toHaveLength(50);
    expect(o.totals.failingPods).toBe(500);
    expect(w.rows.length).toBeGreaterThan(0);
    expect(q.total).toBeGreaterThan(50);
    expect(d?.podGroups.reduce((n, g) => n + g.total, 0)).toBe(d?.summary.matchedPods);
    // The ten pods went not-ready: the rebuilt overview sees it.
    expect(o2.totals.pods).toBe(10_000);
    expect(o2.sidecarSets.reduce((n, s) => n + s.readyPods, 0)).toBeLessThan(o.sidecarSets.reduce((n, s) => n + s.readyPods, 0));
    // Speed is the benchmark's business (npm run bench), not a test's: the figures are printed above.
    // The answer sent to the browser is a page, not the fleet.
    expect(JSON.stringify(w).length).toBeLessThan(100_000);
  });

  it('a changed SidecarSet recomputes the pods it injected, not the fleet, and answers as a cold build does', () => {
    const snap = scaleSnapshot(4_000, 20);
    const now = new Date('2026-11-20T10:00:00Z');
    const memo = createFleetMemo();
    const m0 = buildFleetModel(snap, now, memo);
    // Pages computed before the change, which the memo keeps.
    m0.sidecarSetDetail('ss-00', { freshness });
    m0.sidecarSetDetail('ss-03', { freshness });
    const injectedBy = (p: Pod, name: string) => p.metadata.labels?.[`sidecar.fleet/${name}`] === 'on';
    const mine = snap.pods.find((p) => injectedBy(p, 'ss-00')) as Pod;
    const other = snap.pods.find((p) => !injectedBy(p, 'ss-00')) as Pod;
    const [mineBefore, otherBefore] = [memo.pods.kept.get(mine), memo.pods.kept.get(other)];
    expect(mineBefore && otherBefore).toBeTruthy();

    // A new image for ss-00: a new object, a new hash and a new revision, as Kruise writes them.
    const sidecarSets = snap.sidecarSets.map((ss) =>
      ss.metadata.name !== 'ss-00'
        ? ss
        : {
            ...ss,
            metadata: { ...ss.metadata, annotations: { ...ss.metadata.annotations, 'kruise.io/sidecarset-hash': 'ss-00-newer' } },
            spec: { ...ss.spec, containers: [{ name: 'agent-0', image: 'registry.example.com/agents/agent-0:3.0' }] },
          },
    );
    const revisions = [
      ...snap.revisions,
      {
        metadata: { name: 'ss-00-newer-rev', namespace: 'kruise-system', labels: { 'kruise.io/sidecarset-name': 'ss-00' } },
        data: {},
        revision: 3,
      },
    ];
    const changed = { ...snap, sidecarSets, revisions };
    const warm = buildFleetModel(changed, now, memo);
    expect(memo.pods.kept.get(other)).toBe(otherBefore);
    expect(memo.pods.kept.get(mine)).not.toBe(mineBefore);

    const cold = buildFleetModel(changed, now);
    const views = (m: ReturnType<typeof buildFleetModel>) => [
      m.overview({ cluster, freshness }),
      m.sidecarSetDetail('ss-00', { freshness }),
      m.sidecarSetDetail('ss-03', { freshness }),
      m.workloads({ state: 'drift', sort: 'outdated', dir: 'desc', page: 1, pageSize: 50 }, { freshness }),
    ];
    const [overview] = views(warm);
    // Every pod ss-00 injected now runs an older image than its SidecarSet: they are outdated.
    expect(overview && 'totals' in overview ? overview.totals.outdatedPods : 0).toBeGreaterThan(
      buildFleetModel(snap, now).overview({ cluster, freshness }).totals.outdatedPods,
    );
    expect(views(warm)).toEqual(views(cold));

    // A selector change can move any pod: everything is recomputed, still equal to a cold build.
    const reselected = {
      ...changed,
      sidecarSets: changed.sidecarSets.map((ss) =>
        ss.metadata.name === 'ss-05' ? { ...ss, spec: { ...ss.spec, selector: { matchLabels: { app: 'app-5' } } } } : ss,
      ),
    };
    const warm2 = buildFleetModel(reselected, now, memo);
    expect(memo.pods.kept.get(other)).not.toBe(otherBefore);
    expect(views(warm2)).toEqual(views(buildFleetModel(reselected, now)));
  });

  it('a changed or deleted pod recomputes the row of its workload, not the others, and answers as a cold build does', () => {
    const snap = scaleSnapshot(4_000, 20);
    const now = new Date('2026-11-20T10:00:00Z');
    const memo = createFleetMemo();
    buildFleetModel(snap, now, memo);
    const entryOf = (p: Pod) => memo.workloads.byKey.get(memo.pods.kept.get(p)?.wkey ?? '');
    const [first, second, far] = [snap.pods[0] as Pod, snap.pods[1] as Pod, snap.pods[2_000] as Pod];
    const [mineBefore, farBefore] = [entryOf(first), entryOf(far)];
    expect(mineBefore && farBefore && mineBefore !== farBefore).toBe(true);
    expect(entryOf(second)).toBe(mineBefore);

    // A kubelet update: the first pod went not ready; the second pod is gone.
    const pods = snap.pods
      .filter((p) => p !== second)
      .map((p) => (p === first ? { ...p, status: { ...p.status, conditions: [{ type: 'Ready', status: 'False' }] } } : p));
    const changed = { ...snap, pods };
    const warm = buildFleetModel(changed, now, memo);
    expect(entryOf(far)).toBe(farBefore);
    const mineAfter = entryOf(pods[0] as Pod);
    expect(mineAfter).not.toBe(mineBefore);
    expect(mineAfter?.row.pods).toBe((mineBefore?.row.pods ?? 0) - 1);

    const all = (m: ReturnType<typeof buildFleetModel>) => [
      m.workloads({ page: 1, pageSize: 500 }, { freshness }),
      m.workloads({ state: 'drift', sort: 'outdated', dir: 'desc', page: 1, pageSize: 50 }, { freshness }),
      m.overview({ cluster, freshness }),
    ];
    expect(all(warm)).toEqual(all(buildFleetModel(changed, now)));
  });

  it('pods replaced in place (the churn of a running fleet) recompute only their workloads and SidecarSets, as a cold build answers', () => {
    const snap = scaleSnapshot(4_000, 20);
    const now = new Date('2026-11-20T10:00:00Z');
    const memo = createFleetMemo();
    const m0 = buildFleetModel(snap, now, memo);
    m0.sidecarSetDetail('ss-00', { freshness });
    const entryOf = (p: Pod) => memo.workloads.byKey.get(memo.pods.kept.get(p)?.wkey ?? '');
    const views = (m: ReturnType<typeof buildFleetModel>) => [
      m.overview({ cluster, freshness }),
      m.workloads({ page: 1, pageSize: 500 }, { freshness }),
      m.workloads({ state: 'drift', sort: 'outdated', dir: 'desc', page: 1, pageSize: 50 }, { freshness }),
      // Every pod of every SidecarSet (600 each), so a replaced pod's row is among them.
      ...snap.sidecarSets.flatMap((ss) =>
        [1, 2].map((podsPage) => m.sidecarSetDetail(ss.metadata.name, { freshness }, { podsPage, podsPageSize: 500 })),
      ),
      m.podDetail(snap.pods[10]?.metadata.namespace ?? '', snap.pods[10]?.metadata.name ?? '', { freshness }),
    ];

    // Kubelet updates replace pods where they are: one goes not ready, another's sidecar fails.
    const far = snap.pods[3_000] as Pod;
    const [farBefore, mineBefore] = [entryOf(far), entryOf(snap.pods[10] as Pod)];
    const pods = snap.pods.map((p, i) => {
      if (i === 10) return { ...p, status: { ...p.status, conditions: [{ type: 'Ready', status: 'False' }] } };
      if (i === 500) {
        const statuses = (p.status?.containerStatuses ?? []).map((c, k) =>
          k === 1 ? { ...c, ready: false, state: { waiting: { reason: 'ImagePullBackOff', message: 'no such image' } } } : c,
        );
        return { ...p, status: { ...p.status, containerStatuses: statuses } };
      }
      return p;
    }) as Pod[];
    const changed = { ...snap, pods };
    const warm = buildFleetModel(changed, now, memo);
    expect(entryOf(far)).toBe(farBefore);
    expect(entryOf(pods[10] as Pod)).not.toBe(mineBefore);
    expect(views(warm)).toEqual(views(buildFleetModel(changed, now)));
    // Nothing changed since: the same answers again.
    expect(views(buildFleetModel({ ...changed, pods: [...pods] }, now, memo))).toEqual(views(warm));

    // A build given up once its pods were done (a newer change came): the next one still sees
    // what that one had changed.
    const failed = (p: Pod) => ({ ...p, status: { ...p.status, phase: 'Failed' } }) as Pod;
    const step1 = { ...snap, pods: pods.map((p, i) => (i === 40 ? failed(p) : p)) };
    const given = fleetModelSteps(step1, now, memo);
    while (memo.pods.last?.pods !== step1.pods) given.next();
    const step2 = { ...snap, pods: step1.pods.map((p, i) => (i === 41 ? failed(p) : p)) };
    expect(views(buildFleetModel(step2, now, memo))).toEqual(views(buildFleetModel(step2, now)));

    // A pod adopted by another workload (its owner changed) and a pod added: no longer in place.
    const moved = pods.map((p, i) => (i === 20 ? { ...p, metadata: { ...p.metadata, ownerReferences: [] } } : p)) as Pod[];
    const added = { ...(pods[30] as Pod), metadata: { ...(pods[30] as Pod).metadata, name: 'zz-added' } };
    const reshaped = { ...snap, pods: [...moved, added] };
    expect(views(buildFleetModel(reshaped, now, memo))).toEqual(views(buildFleetModel(reshaped, now)));
  });

  it('a SidecarSet that matches no pod keeps its plan while pods are replaced in place', () => {
    const base = scaleSnapshot(1_000, 5);
    const lonely = structuredClone(base.sidecarSets[0] as SidecarSet);
    lonely.metadata = { ...lonely.metadata, name: 'ss-lonely', uid: 'ss-lonely' };
    lonely.spec.selector = { matchLabels: { 'matches-no': 'pod' } };
    const snap = { ...base, sidecarSets: [...base.sidecarSets, lonely] };
    const now = new Date('2026-11-20T10:00:00Z');
    const memo = createFleetMemo();
    buildFleetModel(snap, now, memo);
    const plan = memo.plans.get('ss-lonely')?.plan;
    expect(plan?.status.matchedPods).toBe(0);
    const pods = snap.pods.map((p, i) => (i === 7 ? { ...p, status: { ...p.status, phase: 'Failed' } } : p)) as Pod[];
    const changed = { ...snap, pods };
    const warm = buildFleetModel(changed, now, memo);
    expect(memo.plans.get('ss-lonely')?.plan).toBe(plan);
    expect(warm.overview({ cluster, freshness })).toEqual(buildFleetModel(changed, now).overview({ cluster, freshness }));
  });

  it('a SidecarSet page is computed again only when its pods, plan, revisions or events changed', () => {
    const snap = scaleSnapshot(4_000, 20);
    const now = new Date('2026-11-20T10:00:00Z');
    const memo = createFleetMemo();
    const injectedBy = (p: Pod, name: string) => p.metadata.labels?.[`sidecar.fleet/${name}`] === 'on';
    const page = (m: ReturnType<typeof buildFleetModel>) => m.sidecarSetDetail('ss-03', { freshness });
    const before = page(buildFleetModel(snap, now, memo));
    // A pod ss-03 did not inject changed: its page is the one computed before.
    const other = snap.pods.findIndex((p) => !injectedBy(p, 'ss-03'));
    const withOther = { ...snap, pods: snap.pods.map((p, i) => (i === other ? { ...p, status: { ...p.status, phase: 'Failed' } } : p)) };
    const kept = page(buildFleetModel(withOther, now, memo));
    expect(kept?.podGroups).toBe(before?.podGroups);
    expect(kept).toEqual(page(buildFleetModel(withOther, now)));
    // One of its pods on the page failed: computed again, as a cold build has it.
    const key = (p: Pod) => `${p.metadata.namespace}/${p.metadata.name}`;
    let mine = -1;
    withOther.pods.forEach((p, i) => {
      if (injectedBy(p, 'ss-03') && (mine < 0 || key(p) < key(withOther.pods[mine] as Pod))) mine = i;
    });
    const withMine = {
      ...withOther,
      pods: withOther.pods.map((p, i) => (i === mine ? { ...p, status: { ...p.status, phase: 'Failed' } } : p)),
    };
    const changed = page(buildFleetModel(withMine, now, memo));
    expect(changed?.podGroups).not.toBe(before?.podGroups);
    expect(changed).toEqual(page(buildFleetModel(withMine, now)));
    expect(changed).not.toEqual(kept);
    // An Event about one of its pods: the same pods and plan, new event groups.
    // (One still running: a failed pod is no longer among the pods it shows.)
    const pod = withMine.pods.find((p, i) => i !== mine && injectedBy(p, 'ss-03')) as Pod;
    const event: KubeEvent = {
      metadata: { name: `${pod.metadata.name}.pull`, namespace: pod.metadata.namespace },
      type: 'Warning',
      reason: 'Failed',
      message: 'Failed to pull image',
      involvedObject: { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid },
      count: 1,
      lastTimestamp: '2026-11-20T09:59:00Z',
    };
    const withEvent = { ...withMine, events: [...withMine.events, event] };
    const evented = page(buildFleetModel(withEvent, now, memo));
    expect(evented?.eventGroups).toEqual(page(buildFleetModel(withEvent, now))?.eventGroups);
    expect(evented?.eventGroups).not.toEqual(changed?.eventGroups);
  });

  it('a rollout over 20,000 pods: its 20,000 Events are one group on the SidecarSet page, the answer bounded', () => {
    // (groupEvents itself is measured on 100,000 Events in event-groups.test.ts.)
    // One SidecarSet on every pod.
    const snap = scaleSnapshot(20_000, 1);
    const name = 'ss-00';
    const injected = snap.pods.filter((p) => p.metadata.labels?.[`sidecar.fleet/${name}`] === 'on');
    const events: KubeEvent[] = injected.flatMap((p, i) => {
      const at = new Date(Date.UTC(2026, 10, 20, 9, 0, 0) + i * 10).toISOString();
      const about = { kind: 'Pod', namespace: p.metadata.namespace, name: p.metadata.name, uid: p.metadata.uid };
      const killing: KubeEvent = {
        metadata: { name: `${p.metadata.name}.k`, namespace: p.metadata.namespace },
        type: 'Normal',
        reason: 'Killing',
        message: 'Container agent-0 definition changed, will be restarted',
        involvedObject: about,
        count: 1,
        firstTimestamp: at,
        lastTimestamp: at,
        source: 'kubelet',
      };
      return [killing];
    });
    const memo = createFleetMemo();
    const t0 = performance.now();
    const d = buildFleetModel({ ...snap, events }, new Date('2026-11-20T10:00:00Z'), memo).sidecarSetDetail(name, { freshness });
    const cold = performance.now() - t0;
    // The next revision of the cache (one pod's status changed): its Events are grouped again, from the memo.
    const pods = [...snap.pods];
    pods[0] = { ...(pods[0] as Pod), status: { ...pods[0]?.status, phase: 'Running' } };
    const t1 = performance.now();
    const d2 = buildFleetModel({ ...snap, pods, events }, new Date('2026-11-20T10:00:00Z'), memo).sidecarSetDetail(name, { freshness });
    const warm = performance.now() - t1;
    console.log(
      `20,000 pods, ${events.length} Events on ${name}: build + detail ${cold.toFixed(0)} ms, again after a change ${warm.toFixed(0)} ms; ` +
        `detail ${(JSON.stringify(d).length / 1024).toFixed(0)} KiB`,
    );

    expect([events.length, d?.summary.matchedPods]).toEqual([20_000, 20_000]);
    const groups = d?.eventGroups;
    expect(groups && [groups.totalGroups, groups.totalEvents, groups.totalCount, groups.groups.length]).toEqual([
      1,
      events.length,
      events.length,
      1,
    ]);
    const killing = groups?.groups[0];
    // Every workload of the SidecarSet's pods (20 pods each), the busiest ten named.
    expect(killing && [killing.objects, killing.workloadsTotal, killing.workloads.length, killing.newest.length]).toEqual([
      events.length,
      events.length / 20,
      10,
      20,
    ]);
    expect(d2?.eventGroups).toEqual(groups);
    // The page's answer stays small: one group of 20 Events, not 20,000 rows.
    expect(JSON.stringify(d?.eventGroups).length).toBeLessThan(20_000);
  });
});
