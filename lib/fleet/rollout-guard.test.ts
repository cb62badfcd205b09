import { describe, expect, it } from 'vitest';
import type { Pod, SidecarSet } from './k8s-types';
import { HASH_NEW, IMG_NEW, logPod, logPods, logSidecarSet, NAMESPACES } from './kruise-fixtures.test-support';
import { jsonPatch, PatchRejected } from './json-patch';
import { buildGuardPause, evaluateGuard, formatGuardSettings, GUARD_DEFAULTS, guardPausedNote, parseGuardSettings } from './rollout-guard';

/** The pods' upgrade timestamp in the fixtures is 2025-11-21T09:00:00Z. */
const UPGRADED_AT = Date.parse('2025-11-21T09:00:00Z');

function guarded(
  guard: string | undefined,
  strategy: SidecarSet['spec']['updateStrategy'] = { type: 'RollingUpdate', partition: 0, maxUnavailable: 1 },
) {
  const ss = logSidecarSet({ updateStrategy: strategy });
  if (guard !== undefined) ss.metadata.annotations = { ...ss.metadata.annotations, 'sidecarfleet.io/guard': guard };
  return ss;
}

function crashLooping(name: string): Pod {
  const pod = logPod(name, { state: 'updated', ready: false });
  const s = pod.status?.containerStatuses?.[0];
  if (s) {
    s.ready = false;
    s.restartCount = 4;
    s.state = { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container=log-agent' } };
    s.lastState = { terminated: { exitCode: 1, reason: 'Error' } };
  }
  return pod;
}

/** Upgraded, the runtime still reports the old image, the sidecar not ready: in flight or stuck. */
function notReady(name: string): Pod {
  return logPod(name, { state: 'updating', ready: false, readySince: '2025-11-21T09:00:05Z' });
}

describe('parseGuardSettings', () => {
  it('is off without the annotation, and fills defaults', () => {
    expect(parseGuardSettings(undefined)).toEqual({ configured: false });
    expect(parseGuardSettings({ other: 'x' })).toEqual({ configured: false });
    expect(parseGuardSettings({ 'sidecarfleet.io/guard': '{}' })).toEqual({ configured: true, settings: GUARD_DEFAULTS });
    expect(parseGuardSettings({ 'sidecarfleet.io/guard': '{"enabled":true,"maxFailedPods":"10%","notReadySeconds":90}' })).toEqual({
      configured: true,
      settings: { enabled: true, maxFailedPods: '10%', notReadySeconds: 90 },
    });
  });

  it('round-trips what the settings form writes', () => {
    const s = { enabled: false, maxFailedPods: 2, notReadySeconds: 300 };
    expect(parseGuardSettings({ 'sidecarfleet.io/guard': formatGuardSettings(s) })).toEqual({ configured: true, settings: s });
  });

  it.each([
    ['not json', 'sidecarfleet.io/guard is not JSON: "not json"'],
    ['[1]', 'sidecarfleet.io/guard must be a JSON object'],
    ['{"enabled":"yes"}', 'guard "enabled" must be true or false'],
    ['{"maxFailedPods":"10"}', 'guard "maxFailedPods" must be a whole number ≥ 0 or a percent like "10%"'],
    ['{"maxFailedPods":-1}', 'guard "maxFailedPods" must be a whole number ≥ 0 or a percent like "10%"'],
    ['{"notReadySeconds":0}', 'guard "notReadySeconds" must be a whole number of seconds ≥ 1'],
  ])('refuses %s', (value, error) => {
    expect(parseGuardSettings({ 'sidecarfleet.io/guard': value })).toEqual({ configured: true, error });
  });
});

describe('evaluateGuard', () => {
  const now = UPGRADED_AT + 30_000;
  const fleet = (updated: Pod[]) => [...updated, ...logPods('web-old', 7, { state: 'old' })];

  it('does nothing unless opted in', () => {
    const v = evaluateGuard({
      sidecarSet: guarded(undefined),
      pods: fleet([logPod('web-a', { state: 'failing' })]),
      namespaceLabels: NAMESPACES,
      now,
    });
    expect(v.state).toBe('off');
    const off = evaluateGuard({
      sidecarSet: guarded('{"enabled":false}'),
      pods: fleet([logPod('web-a', { state: 'failing' })]),
      namespaceLabels: NAMESPACES,
      now,
    });
    expect(off.state).toBe('off');
    const bad = evaluateGuard({ sidecarSet: guarded('{'), pods: [], namespaceLabels: NAMESPACES, now });
    expect(bad.state).toBe('invalid');
    expect(bad.message).toBe('The rollout guard is off: sidecarfleet.io/guard is not JSON: "{".');
  });

  it('trips on the first updated pod that cannot pull its image (default threshold 0)', () => {
    const pods = fleet([
      logPod('web-a', { state: 'updated' }),
      logPod('web-b', { state: 'failing' }),
      logPod('web-c', { state: 'updated' }),
    ]);
    const v = evaluateGuard({ sidecarSet: guarded('{}'), pods, namespaceLabels: NAMESPACES, now });
    expect(v).toEqual({
      state: 'trip',
      settings: GUARD_DEFAULTS,
      matched: 10,
      updated: 3,
      failing: [
        {
          namespace: 'shop',
          pod: 'web-b',
          container: 'log-agent',
          reason: 'ImagePullBackOff',
          message: `Back-off pulling image "${IMG_NEW}"`,
        },
      ],
      tolerated: 0,
      message: `1 of 3 updated pods are failing (ImagePullBackOff on 1; maxFailedPods 0 allows 0), e.g. shop/web-b log-agent: ImagePullBackOff (Back-off pulling image "${IMG_NEW}").`,
      evaluated: { resourceVersion: '4711', hash: HASH_NEW, pausedField: undefined },
    });
  });

  it('tolerates a percentage of the updated pods, rounded down', () => {
    const ss = guarded('{"maxFailedPods":"50%"}');
    const one = evaluateGuard({
      sidecarSet: ss,
      pods: fleet([logPod('web-a', { state: 'updated' }), logPod('web-b', { state: 'failing' }), logPod('web-c', { state: 'updated' })]),
      namespaceLabels: NAMESPACES,
      now,
    });
    expect([one.state, one.tolerated, one.failing.length]).toEqual(['watching', 1, 1]);
    expect(one.message).toBe('Watching 3 updated pods: 1 failing (ImagePullBackOff on 1; maxFailedPods "50%" allows 1).');
    const two = evaluateGuard({
      sidecarSet: ss,
      pods: fleet([logPod('web-a', { state: 'failing' }), logPod('web-b', { state: 'failing' }), logPod('web-c', { state: 'updated' })]),
      namespaceLabels: NAMESPACES,
      now,
    });
    expect([two.state, two.tolerated, two.failing.map((f) => f.pod)]).toEqual(['trip', 1, ['web-a', 'web-b']]);
  });

  it('counts crash loops', () => {
    const v = evaluateGuard({
      sidecarSet: guarded('{"maxFailedPods":0}'),
      pods: fleet([crashLooping('web-a')]),
      namespaceLabels: NAMESPACES,
      now,
    });
    expect(v.state).toBe('trip');
    expect(v.failing[0]?.reason).toBe('CrashLoopBackOff');
  });

  it('counts a sidecar not ready for longer than notReadySeconds, measured from the upgrade', () => {
    const ss = guarded('{"notReadySeconds":120}');
    const pods = fleet([notReady('web-a')]);
    expect(evaluateGuard({ sidecarSet: ss, pods, namespaceLabels: NAMESPACES, now: UPGRADED_AT + 60_000 }).state).toBe('watching');
    const late = evaluateGuard({ sidecarSet: ss, pods, namespaceLabels: NAMESPACES, now: UPGRADED_AT + 200_000 });
    expect(late.state).toBe('trip');
    // The pod turned not ready 5 s after its upgrade; the clock runs from then.
    expect(late.failing).toEqual([
      { namespace: 'shop', pod: 'web-a', container: 'log-agent', reason: 'NotReady', message: 'not ready for 195s (limit 120s)' },
    ]);
  });

  it('ignores pods that are not updated, however broken', () => {
    const brokenOld = logPod('web-x', { state: 'old', ready: false });
    const s = brokenOld.status?.containerStatuses?.[0];
    if (s) s.state = { waiting: { reason: 'CrashLoopBackOff' } };
    const v = evaluateGuard({
      sidecarSet: guarded('{}'),
      pods: fleet([brokenOld, logPod('web-a', { state: 'updated' })]),
      namespaceLabels: NAMESPACES,
      now,
    });
    expect([v.state, v.updated, v.failing]).toEqual(['watching', 1, []]);
  });

  it('stays idle when there is nothing left to protect', () => {
    const pods = fleet([logPod('web-a', { state: 'failing' })]);
    const paused = evaluateGuard({
      sidecarSet: guarded('{}', { type: 'RollingUpdate', paused: true }),
      pods,
      namespaceLabels: NAMESPACES,
      now,
    });
    expect(paused.state).toBe('idle');
    const notUpdate = evaluateGuard({ sidecarSet: guarded('{}', { type: 'NotUpdate' }), pods, namespaceLabels: NAMESPACES, now });
    expect(notUpdate.state).toBe('idle');
    const done = evaluateGuard({
      sidecarSet: guarded('{}'),
      pods: [logPod('web-a', { state: 'failing' }), logPod('web-b', { state: 'updated' })],
      namespaceLabels: NAMESPACES,
      now,
    });
    expect([done.state, done.message]).toEqual(['idle', 'Every matched pod runs the current version.']);
  });
});

describe('buildGuardPause: one replica wins', () => {
  const pods = [logPod('web-b', { state: 'failing' }), ...logPods('web-old', 3, { state: 'old' })];

  it('pauses only the exact object that was evaluated, and records why', () => {
    const ss = guarded('{}');
    const v = evaluateGuard({ sidecarSet: ss, pods, namespaceLabels: NAMESPACES, now: UPGRADED_AT + 1000 });
    const ops = buildGuardPause(v, '2025-11-21T09:00:01Z');
    expect(ops.slice(0, 3)).toEqual([
      { op: 'test', path: '/metadata/resourceVersion', value: '4711' },
      { op: 'test', path: '/metadata/annotations/kruise.io~1sidecarset-hash', value: HASH_NEW },
      { op: 'add', path: '/spec/updateStrategy/paused', value: true },
    ]);
    const paused = jsonPatch(ss, ops);
    expect(paused.spec.updateStrategy?.paused).toBe(true);
    expect(guardPausedNote(paused)).toEqual({ at: '2025-11-21T09:00:01Z', hash: HASH_NEW, failing: 1, message: v.message });

    // The second replica evaluated the same object; once the first pause landed, the server
    // bumped the resourceVersion, so the second patch fails its test and changes nothing.
    const afterFirst = { ...paused, metadata: { ...paused.metadata, resourceVersion: '4712' } };
    expect(() => jsonPatch(afterFirst, ops)).toThrow(PatchRejected);
  });

  it('tests an explicit paused: false, and the note disappears once resumed or re-imaged', () => {
    const ss = guarded('{}', { type: 'RollingUpdate', partition: 0, maxUnavailable: 1, paused: false });
    const v = evaluateGuard({ sidecarSet: ss, pods, namespaceLabels: NAMESPACES, now: UPGRADED_AT + 1000 });
    const ops = buildGuardPause(v, '2025-11-21T09:00:01Z');
    expect(ops).toContainEqual({ op: 'test', path: '/spec/updateStrategy/paused', value: false });
    const paused = jsonPatch(ss, ops);
    const resumed: SidecarSet = { ...paused, spec: { ...paused.spec, updateStrategy: { ...paused.spec.updateStrategy, paused: false } } };
    expect(guardPausedNote(resumed)).toBeUndefined();
    const reimaged: SidecarSet = {
      ...paused,
      metadata: { ...paused.metadata, annotations: { ...paused.metadata.annotations, 'kruise.io/sidecarset-hash': 'other' } },
    };
    expect(guardPausedNote(reimaged)).toBeUndefined();
  });
});
