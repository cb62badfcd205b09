import { describe, expect, it } from 'vitest';
import type { KubeEvent } from './cluster-state';
import { groupEvents, MAX_EVENT_GROUPS, MAX_EVENTS_PER_GROUP, normalizeMessage } from './event-groups';
import { fleetSnapshot } from './fleet-fixture.test-support';
import rolloutEvents from './fixtures/rollout-events.json';
import type { WorkloadRef } from './views';
import { buildOwnerIndex, workloadOf } from './workloads';

/** A core/v1 Event as the cache keeps it (the fields KubeEvent has; the rest ignored). */
function kubeEvent(raw: (typeof rolloutEvents.items)[number]): KubeEvent {
  return {
    metadata: { name: raw.metadata.name, namespace: raw.metadata.namespace, uid: raw.metadata.uid },
    type: raw.type,
    reason: raw.reason,
    message: raw.message,
    involvedObject: {
      kind: raw.involvedObject.kind,
      namespace: raw.involvedObject.namespace,
      name: raw.involvedObject.name,
      uid: raw.involvedObject.uid,
    },
    count: raw.count,
    firstTimestamp: raw.firstTimestamp,
    lastTimestamp: raw.lastTimestamp,
    source: raw.source.component,
  };
}

const events = (): KubeEvent[] => rolloutEvents.items.map(kubeEvent);

/** Pod → workload over the fixture fleet's pods, the way the fleet model resolves it (owner chain). */
function fleetWorkloads(): (e: KubeEvent) => WorkloadRef | undefined {
  const snap = fleetSnapshot();
  const owners = buildOwnerIndex(snap);
  const byKey = new Map(snap.pods.map((p) => [`${p.metadata.namespace}/${p.metadata.name}`, workloadOf(p, owners)]));
  return (e) => (e.involvedObject.kind === 'Pod' ? byKey.get(`${e.involvedObject.namespace}/${e.involvedObject.name}`) : undefined);
}

function event(name: string, message: string, over: Partial<KubeEvent> = {}): KubeEvent {
  return {
    metadata: { name: `${name}.1`, namespace: 'shop' },
    type: 'Normal',
    reason: 'Test',
    message,
    involvedObject: { kind: 'Pod', namespace: 'shop', name, uid: `uid-${name}` },
    count: 1,
    lastTimestamp: '2026-11-20T09:00:00Z',
    ...over,
  };
}

describe('normalizeMessage', () => {
  it.each([
    [
      "the object's own name and uid (kubelet names the pod as name_namespace(uid))",
      event('web-0', 'Back-off restarting failed container app in pod web-0_shop(uid-web-0)'),
      'Back-off restarting failed container app in pod <pod>_shop(<uid>)',
    ],
    [
      'a name after its namespace',
      event('web-0', 'Successfully assigned shop/web-0 to node-1'),
      'Successfully assigned shop/<pod> to node-1',
    ],
    ['a name before a full stop', event('web-0', 'Stopping pod web-0.'), 'Stopping pod <pod>.'],
    [
      'the same name inside a longer one (another object)',
      event('web-0', 'Pod web-0.old and web-01 and web-0-canary are others'),
      'Pod web-0.old and web-01 and web-0-canary are others',
    ],
    [
      "a Deployment's name inside its ReplicaSet's",
      event('web', 'Scaled up replica set web-6d8f7c9b5 to 3', { involvedObject: { kind: 'Deployment', namespace: 'shop', name: 'web' } }),
      'Scaled up replica set web-6d8f7c9b5 to 3',
    ],
    [
      'durations as Go prints them; a size without a unit stays',
      event('web-0', 'Successfully pulled image "envoy:v1.31.2" in 2.134s (1m2.5s including waiting). Image size: 31234567 bytes.'),
      'Successfully pulled image "envoy:v1.31.2" in <duration> (<duration> including waiting). Image size: 31234567 bytes.',
    ],
    [
      'a back-off duration',
      event('web-0', 'back-off 5m0s restarting failed container=app'),
      'back-off <duration> restarting failed container=app',
    ],
    [
      'an image tag that ends like a duration',
      event('web-0', 'Container image "fluent-bit:3.1.9s" already present on machine'),
      'Container image "fluent-bit:3.1.9s" already present on machine',
    ],
    [
      'nothing to take out',
      event('web-0', 'Container envoy definition changed, will be restarted'),
      'Container envoy definition changed, will be restarted',
    ],
  ])('%s', (_, e, want) => {
    expect(normalizeMessage(e)).toBe(want);
  });

  it('a one-letter name is replaced only where it stands alone', () => {
    expect(normalizeMessage(event('a', 'a pod named a, in a-b and b.a'))).toBe('<pod> pod named <pod>, in a-b and b.a');
  });
});

describe('groupEvents', () => {
  it('groups a rollout on the fixture fleet: counts, objects, workloads and time range', () => {
    expect(groupEvents(events(), { workloadOf: fleetWorkloads() })).toEqual({
      totalGroups: 5,
      totalEvents: 10,
      // Each Event counts as often as it happened: the two back-offs happened 5 and 3 times.
      totalCount: 16,
      groups: [
        {
          id: expect.stringMatching(/^[0-9a-f]{8}$/),
          type: 'Warning',
          reason: 'BackOff',
          message: 'Back-off restarting failed container fluent-bit in pod <pod>_shop(<uid>)',
          count: 8,
          events: 2,
          objects: 2,
          kinds: ['Pod'],
          workloads: [{ kind: 'Deployment', namespace: 'shop', name: 'web', count: 8 }],
          workloadsTotal: 1,
          firstTimestamp: '2026-11-20T09:10:20Z',
          lastTimestamp: '2026-11-20T09:12:00Z',
          newest: [
            {
              type: 'Warning',
              reason: 'BackOff',
              message:
                'Back-off restarting failed container fluent-bit in pod web-6d8f7c9b5-b7m2x_shop(uid-f0672bf5-778d-4c1e-9d2f-f88f6aaa1959)',
              involved: { kind: 'Pod', namespace: 'shop', name: 'web-6d8f7c9b5-b7m2x' },
              count: 5,
              lastTimestamp: '2026-11-20T09:12:00Z',
              source: 'kubelet',
            },
            {
              type: 'Warning',
              reason: 'BackOff',
              message:
                'Back-off restarting failed container fluent-bit in pod web-6d8f7c9b5-c9p4t_shop(uid-b098d353-f668-4c1e-9d2f-e37158c58557)',
              involved: { kind: 'Pod', namespace: 'shop', name: 'web-6d8f7c9b5-c9p4t' },
              count: 3,
              lastTimestamp: '2026-11-20T09:11:30Z',
              source: 'kubelet',
            },
          ],
        },
        expect.objectContaining({
          reason: 'Pulled',
          message:
            'Successfully pulled image "cr.fluentbit.io/fluent/fluent-bit:3.2.0" in <duration> (<duration> including waiting). Image size: 31234567 bytes.',
          count: 2,
          events: 2,
          objects: 2,
          firstTimestamp: '2026-11-20T09:10:02Z',
          lastTimestamp: '2026-11-20T09:10:13Z',
        }),
        expect.objectContaining({
          type: 'Normal',
          reason: 'Killing',
          // Every event says exactly this: no placeholder.
          message: 'Container fluent-bit definition changed, will be restarted',
          count: 3,
          events: 3,
          objects: 3,
          workloads: [{ kind: 'Deployment', namespace: 'shop', name: 'web', count: 3 }],
          firstTimestamp: '2026-11-20T09:10:00Z',
          lastTimestamp: '2026-11-20T09:10:10Z',
        }),
        expect.objectContaining({
          reason: 'Pulled',
          message: 'Container image "cr.fluentbit.io/fluent/fluent-bit:3.2.0" already present on machine',
          count: 1,
          objects: 1,
        }),
        expect.objectContaining({
          reason: 'Killing',
          message: 'Container auditd definition changed, will be restarted',
          count: 2,
          objects: 2,
          // A CronJob's pod (through its Job) and a Kruise StatefulSet's, as the workloads page names them.
          workloads: [
            { kind: 'CronJob', namespace: 'batch', name: 'report', count: 1 },
            { kind: 'AdvancedStatefulSet', namespace: 'payments', name: 'ledger', count: 1 },
          ],
          workloadsTotal: 2,
          firstTimestamp: '2026-11-20T09:05:00Z',
          lastTimestamp: '2026-11-20T09:06:00Z',
        }),
      ],
    });
  });

  it('keeps the groups seen last and each group’s newest events, and counts what it left out', () => {
    const g = groupEvents(events(), { workloadOf: fleetWorkloads(), maxGroups: 2, maxEventsPerGroup: 1, maxWorkloadsPerGroup: 1 });
    expect(g.groups.map((x) => [x.reason, x.events, x.newest.map((e) => e.involved.name)])).toEqual([
      ['BackOff', 2, ['web-6d8f7c9b5-b7m2x']],
      ['Pulled', 2, ['web-6d8f7c9b5-c9p4t']],
    ]);
    expect([g.totalGroups, g.totalEvents, g.totalCount]).toEqual([5, 10, 16]);
    const audit = groupEvents(events(), { workloadOf: fleetWorkloads(), maxWorkloadsPerGroup: 1 }).groups.find((x) =>
      x.message.includes('auditd'),
    );
    expect([audit?.workloads.length, audit?.workloadsTotal]).toEqual([1, 2]);
  });

  it('an Event with no count (an events.k8s.io singleton) happened once; one without a workload names none', () => {
    const g = groupEvents([
      event('cfg-ss', 'SidecarSet cfg-ss paused', { count: 0, involvedObject: { kind: 'SidecarSet', name: 'cfg-ss' } }),
    ]);
    expect(g.groups.map((x) => [x.message, x.count, x.objects, x.kinds, x.workloads, x.workloadsTotal])).toEqual([
      ['SidecarSet cfg-ss paused', 1, 1, ['SidecarSet'], [], 0],
    ]);
    expect(groupEvents([])).toEqual({ groups: [], totalGroups: 0, totalEvents: 0, totalCount: 0 });
  });

  it('Warning and Normal events with the same reason and message stay apart', () => {
    const g = groupEvents([event('a-0', 'x'), event('a-1', 'x', { type: 'Warning' })]);
    expect(g.groups.map((x) => x.type).sort()).toEqual(['Normal', 'Warning']);
  });

  it('100,000 events of a rollout: exact totals, a bounded answer', () => {
    const workload: WorkloadRef = { kind: 'Deployment', namespace: 'shop', name: 'web' };
    const many: KubeEvent[] = [];
    for (let i = 0; i < 100_000; i++) {
      const name = `web-6d8f7c9b5-${String(i).padStart(6, '0')}`;
      const at = new Date(Date.UTC(2026, 10, 20, 9, 0, 0) + i * 10).toISOString();
      many.push(event(name, 'Container envoy definition changed, will be restarted', { reason: 'Killing', lastTimestamp: at }));
      // 1 in 100 pods also failed to start, each with its own distinct error text (no two alike).
      if (i % 100 === 0) {
        many.push(event(name, `Error: failed to start container ${i}`, { type: 'Warning', reason: 'Failed', lastTimestamp: at, count: 2 }));
      }
    }
    const byWorkload = new Map([[workload.name, workload]]);
    const t0 = performance.now();
    const g = groupEvents(many, { workloadOf: () => byWorkload.get('web') });
    console.log(`grouping 101,000 events: ${(performance.now() - t0).toFixed(0)} ms`);
    expect([g.totalGroups, g.totalEvents, g.totalCount]).toEqual([1_001, 101_000, 102_000]);
    expect(g.groups).toHaveLength(MAX_EVENT_GROUPS);
    const killing = g.groups.find((x) => x.reason === 'Killing');
    expect(killing && [killing.count, killing.objects, killing.workloads, killing.newest.length]).toEqual([
      100_000,
      100_000,
      [{ ...workload, count: 100_000 }],
      MAX_EVENTS_PER_GROUP,
    ]);
    expect(killing?.newest[0]?.involved.name).toBe('web-6d8f7c9b5-099999');
    expect(killing?.firstTimestamp).toBe('2026-11-20T09:00:00.000Z');
    // What the browser gets: at most 50 groups × 20 events, not 100,000 rows.
    expect(JSON.stringify(g).length).toBeLessThan(400_000);
  });
});
