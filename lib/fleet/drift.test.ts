import { describe, expect, it } from 'vitest';
import { canaryBases, NO_DRIFT, neverInjectedBy, podDrift } from './drift';
import { fleetSnapshot, podNamed, sidecarSetNamed } from './fleet-fixture.test-support';
import { podSidecars, sidecarContext } from './pod-sidecars';

function driftOf(snap = fleetSnapshot()) {
  const ctx = sidecarContext(snap.sidecarSets, snap.revisions, snap.namespaces);
  return Object.fromEntries(
    snap.pods.map((p) => [p.metadata.name, podDrift(p, podSidecars(p, ctx), snap.sidecarSets, ctx.namespaceLabels)]),
  );
}

describe('podDrift', () => {
  it('flags outdated, not upgradable, never injected and orphaned pods of the fixture fleet', () => {
    expect(driftOf()).toEqual({
      'web-6d8f7c9b5-a4kzq': NO_DRIFT,
      'web-6d8f7c9b5-b7m2x': { outdated: ['log-ss'], notUpgradable: [], neverInjected: [], orphaned: [] },
      'web-6d8f7c9b5-c9p4t': { outdated: ['log-ss'], notUpgradable: [], neverInjected: [], orphaned: [] },
      'api-0': NO_DRIFT,
      'api-1': NO_DRIFT,
      'cart-7xk2p': NO_DRIFT,
      'cart-9m4rd': { outdated: ['cfg-ss'], notUpgradable: [], neverInjected: [], orphaned: [] },
      'cart-b2vq8': { outdated: ['cfg-ss'], notUpgradable: [], neverInjected: [], orphaned: [] },
      'node-agent-4xk9z': { outdated: ['trace-ss'], notUpgradable: ['trace-ss'], neverInjected: [], orphaned: [] },
      'node-agent-8fj2m': { outdated: ['trace-ss'], notUpgradable: ['trace-ss'], neverInjected: [], orphaned: [] },
      'ledger-0': { outdated: ['audit-ss'], notUpgradable: [], neverInjected: [], orphaned: [] },
      // Succeeded: it carries an old auditd but will never run again, so it is never flagged.
      'report-29412345-h7d2k': NO_DRIFT,
      // Created the day before audit-ss: selected, never injected.
      'debug-shell': {
        outdated: [],
        notUpgradable: [],
        neverInjected: [{ sidecarSet: 'audit-ss', reason: 'created-before' }],
        orphaned: [],
      },
      'legacy-worker-5c7d9f8b6-qq2lw': { outdated: [], notUpgradable: [], neverInjected: [], orphaned: ['old-ss/statsd-exporter'] },
    });
  });

  it('never flags a pod that is being deleted', () => {
    const snap = fleetSnapshot();
    podNamed(snap, 'node-agent-4xk9z').metadata.deletionTimestamp = '2026-11-20T09:59:00Z';
    podNamed(snap, 'debug-shell').metadata.deletionTimestamp = '2026-11-20T09:59:00Z';
    const d = driftOf(snap);
    expect(d['node-agent-4xk9z']).toEqual(NO_DRIFT);
    expect(d['debug-shell']).toEqual(NO_DRIFT);
  });

  it('says why a selected pod was not injected: paused injection, control-plane namespace', () => {
    const snap = fleetSnapshot();
    const audit = sidecarSetNamed(snap, 'audit-ss');
    const pod = podNamed(snap, 'debug-shell');
    pod.metadata.creationTimestamp = '2026-11-19T12:00:00Z';
    audit.spec.injectionStrategy = { paused: true };
    const labels = { shop: { 'kubernetes.io/metadata.name': 'shop' } };
    expect(neverInjectedBy(pod, [audit], labels, new Map())).toEqual([{ sidecarSet: 'audit-ss', reason: 'injection-paused' }]);
    audit.spec.injectionStrategy = {};
    expect(neverInjectedBy(pod, [audit], labels, new Map())).toEqual([{ sidecarSet: 'audit-ss', reason: 'unknown' }]);
    const cp = { shop: { 'kubernetes.io/metadata.name': 'shop', 'control-plane': '' } };
    expect(neverInjectedBy(pod, [audit], cp, new Map())).toEqual([{ sidecarSet: 'audit-ss', reason: 'control-plane' }]);
    // podDrift leaves control-plane namespaces out: Kruise skips them by design.
    expect(podDrift(pod, [], [audit], cp)).toEqual(NO_DRIFT);
  });

  it('does not count a base SidecarSet as never injected when its canary was injected instead', () => {
    const snap = fleetSnapshot();
    const audit = sidecarSetNamed(snap, 'audit-ss');
    const canary = structuredClone(audit);
    canary.metadata.name = 'audit-ss-canary';
    canary.metadata.annotations = {
      ...canary.metadata.annotations,
      'apps.kruise.io/sidecarset-canary': 'true',
      'apps.kruise.io/sidecarset-base': 'audit-ss',
    };
    const pod = podNamed(snap, 'debug-shell');
    pod.metadata.creationTimestamp = '2026-11-19T12:00:00Z';
    pod.metadata.annotations = { 'kruise.io/sidecarset-injected-list': 'audit-ss-canary' };
    const bases = canaryBases([audit, canary]);
    expect(bases).toEqual(new Map([['audit-ss', ['audit-ss-canary']]]));
    expect(neverInjectedBy(pod, [audit, canary], {}, bases)).toEqual([]);
  });
});
