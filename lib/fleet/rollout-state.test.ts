import { describe, expect, it } from 'vitest';
import { fleetSnapshot, NOW, podNamed, sidecarSetNamed } from './fleet-fixture.test-support';
import type { ClusterSnapshot } from './cluster-state';
import type { Pod } from './k8s-types';
import { planRollout } from './rollout-planner';
import { rolloutState } from './rollout-state';

const FB_NEW = 'cr.fluentbit.io/fluent/fluent-bit:3.1.9-broken';

function stateOf(snap: ClusterSnapshot, name: string, neverInjected = 0, now = NOW) {
  const ss = sidecarSetNamed(snap, name);
  const namespaceLabels = Object.fromEntries(snap.namespaces.map((n) => [n.metadata.name, n.metadata.labels ?? {}]));
  const plan = planRollout({ sidecarSet: ss, pods: [...snap.pods], namespaceLabels });
  return rolloutState(ss, plan, { neverInjected, now });
}

/** Makes the failing web pod run its new fluent-bit image and be ready (the image got fixed). */
function healWebPod(p: Pod): void {
  const st = p.status?.containerStatuses?.find((s) => s.name === 'fluent-bit');
  if (!st || !p.status?.conditions) throw new Error('fixture shape');
  st.state = { running: { startedAt: '2026-11-20T09:10:00Z' } };
  st.ready = true;
  st.imageID = 'cr.fluentbit.io/fluent/fluent-bit@sha256:0f0e';
  for (const c of p.status.conditions) if (c.type === 'Ready' || c.type === 'ContainersReady') c.status = 'True';
}

/** The failing web pod is merely restarting: not ready, no failing reason. */
function restartingWebPod(p: Pod): void {
  const st = p.status?.containerStatuses?.find((s) => s.name === 'fluent-bit');
  if (!st) throw new Error('fixture shape');
  st.state = { waiting: { reason: 'ContainerCreating' } };
}

describe('rolloutState', () => {
  it('explains every SidecarSet of the fixture fleet', () => {
    const snap = fleetSnapshot();
    expect(stateOf(snap, 'log-ss')).toEqual({
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
    });
    expect(stateOf(snap, 'mesh-ss')).toEqual({
      kind: 'complete',
      reasons: [{ code: 'Complete', message: 'All 2 matched pods run the current version', pods: 2 }],
    });
    expect(stateOf(snap, 'cfg-ss')).toEqual({
      kind: 'paused',
      reasons: [{ code: 'PartitionHolding', message: 'Partition 2 keeps 2 pods on the old version; lower it to continue', pods: 2 }],
    });
    expect(stateOf(snap, 'trace-ss')).toEqual({
      kind: 'stuck',
      reasons: [
        {
          code: 'NotUpgradable',
          message:
            '2 pods need recreating: the SidecarSet changed more than images (env, command, volumes…), which Kruise cannot apply in place',
          pods: 2,
        },
      ],
    });
    expect(stateOf(snap, 'audit-ss', 1)).toEqual({
      kind: 'not-updating',
      reasons: [
        {
          code: 'NotUpdate',
          message: 'updateStrategy.type is NotUpdate: existing pods are never upgraded; 1 of 1 pod runs an older version',
          pods: 1,
        },
        {
          code: 'NeverInjected',
          message:
            '1 selected pod was never injected (created before the SidecarSet or while injection was paused); recreate them to get the sidecar',
          pods: 1,
        },
      ],
    });
  });

  it('paused: says how far it got, and still reports the failing pods', () => {
    const snap = fleetSnapshot();
    sidecarSetNamed(snap, 'log-ss').spec.updateStrategy = { type: 'RollingUpdate', paused: true, maxUnavailable: 1 };
    expect(stateOf(snap, 'log-ss')).toEqual({
      kind: 'paused',
      reasons: [
        { code: 'Paused', message: 'Rollout paused with 1 of 3 pods updated; resume to continue', pods: 2 },
        {
          code: 'FailingImage',
          message: `1 updated pod cannot run fluent-bit (ImagePullBackOff): Back-off pulling image "${FB_NEW}"`,
          pods: 1,
          detail: 'ImagePullBackOff',
        },
      ],
    });
  });

  it('progressing: the updated pod is healthy, the next round takes one more', () => {
    const snap = fleetSnapshot();
    healWebPod(podNamed(snap, 'web-6d8f7c9b5-a4kzq'));
    expect(stateOf(snap, 'log-ss')).toEqual({
      kind: 'progressing',
      reasons: [{ code: 'Progressing', message: '1 of 3 pods updated; the next round updates 1 pod', pods: 2 }],
    });
  });

  it('budget used up by a pod that is merely restarting: progressing, until it has been unavailable too long', () => {
    const snap = fleetSnapshot();
    restartingWebPod(podNamed(snap, 'web-6d8f7c9b5-a4kzq'));
    const budget = { code: 'BudgetExhausted', message: 'maxUnavailable 1 (1 pod) is used up by 1 updated pod that is not ready', pods: 1 };
    // Updated at 09:00; at 09:03 that is a normal restart.
    expect(stateOf(snap, 'log-ss', 0, new Date('2026-11-20T09:03:00Z'))).toEqual({ kind: 'progressing', reasons: [budget] });
    // At 10:00 it has been not ready for an hour.
    expect(stateOf(snap, 'log-ss')).toEqual({ kind: 'stuck', reasons: [budget] });
  });

  it('maxUnavailable 0 lets no ready pod through', () => {
    const snap = fleetSnapshot();
    healWebPod(podNamed(snap, 'web-6d8f7c9b5-a4kzq'));
    sidecarSetNamed(snap, 'log-ss').spec.updateStrategy = { type: 'RollingUpdate', maxUnavailable: 0 };
    expect(stateOf(snap, 'log-ss')).toEqual({
      kind: 'stuck',
      reasons: [{ code: 'BudgetExhausted', message: 'maxUnavailable 0 (0 pods) lets no ready pod be updated', pods: 0 }],
    });
  });

  it('updateStrategy.selector that matches no pod: stuck; one that holds the rest back: paused', () => {
    const snap = fleetSnapshot();
    const cfg = sidecarSetNamed(snap, 'cfg-ss');
    cfg.spec.updateStrategy = { type: 'RollingUpdate', maxUnavailable: 1, selector: { matchLabels: { canary: 'true' } } };
    expect(stateOf(snap, 'cfg-ss')).toEqual({
      kind: 'stuck',
      reasons: [
        { code: 'SelectorMatchesNone', message: 'updateStrategy.selector canary=true matches none of the 3 matched pods', pods: 2 },
      ],
    });
    const canary = podNamed(snap, 'cart-7xk2p');
    canary.metadata.labels = { ...canary.metadata.labels, canary: 'true' };
    expect(stateOf(snap, 'cfg-ss')).toEqual({
      kind: 'paused',
      reasons: [
        {
          code: 'SelectorHolding',
          message: 'updateStrategy.selector canary=true limits the rollout: 2 pods outside it stay on the old version',
          pods: 2,
        },
      ],
    });
  });

  it('a SidecarSet whose selector matches nothing, and one the controller has not caught up with', () => {
    const snap = fleetSnapshot();
    const mesh = sidecarSetNamed(snap, 'mesh-ss');
    mesh.spec.selector = { matchLabels: { mesh: 'v2' } };
    mesh.metadata.generation = 4;
    expect(stateOf(snap, 'mesh-ss')).toEqual({
      kind: 'complete',
      reasons: [
        {
          code: 'NoMatchedPods',
          message: 'No running pod is injected by mesh-ss: its selector mesh=v2 matches none in namespaces env=prod',
          pods: 0,
        },
        { code: 'WaitingForController', message: 'The Kruise controller has not processed generation 4 yet (observed 3)' },
      ],
    });
  });

  it('complete but failing: every pod took the new image and some crash', () => {
    const snap = fleetSnapshot();
    const cfg = sidecarSetNamed(snap, 'cfg-ss');
    const newHash = cfg.metadata.annotations?.['kruise.io/sidecarset-hash'];
    for (const name of ['cart-9m4rd', 'cart-b2vq8']) {
      const p = podNamed(snap, name);
      const updated = podNamed(snap, 'cart-7xk2p');
      p.metadata.annotations = { ...updated.metadata.annotations };
      p.spec.containers = structuredClone(updated.spec.containers);
      const st = p.status?.containerStatuses?.find((s) => s.name === 'config-reloader');
      if (!st) throw new Error('fixture shape');
      st.ready = false;
      st.restartCount = 7;
      st.state = { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container' } };
    }
    expect(newHash).toBeTruthy();
    expect(stateOf(snap, 'cfg-ss')).toEqual({
      kind: 'complete',
      reasons: [
        { code: 'Complete', message: 'All 3 matched pods run the current version', pods: 3 },
        {
          code: 'FailingImage',
          message: '2 updated pods cannot run config-reloader (CrashLoopBackOff): back-off 5m0s restarting failed container',
          pods: 2,
          detail: 'CrashLoopBackOff',
        },
      ],
    });
  });
});
