import { describe, expect, it } from 'vitest';
import { fleetSnapshot, podNamed, sidecarSetNamed } from './fleet-fixture.test-support';
import type { Pod } from './k8s-types';
import { containerFailure, injectingSidecarSets, podRevision, podSidecars, sidecarContext, upgradableVerdicts } from './pod-sidecars';

const FB_NEW = 'cr.fluentbit.io/fluent/fluent-bit:3.1.9-broken';
const FB_OLD = 'cr.fluentbit.io/fluent/fluent-bit:3.1.8';
const ENVOY = 'docker.io/envoyproxy/envoy:v1.31.2';
const RL_OLD = 'ghcr.io/stakater/reloader:v1.0.110';
const RL_NEW = 'ghcr.io/stakater/reloader:v1.0.121';

function setup() {
  const snap = fleetSnapshot();
  const ctx = sidecarContext(snap.sidecarSets, snap.revisions, snap.namespaces);
  return { snap, ctx };
}

describe('podSidecars', () => {
  it('an updated pod whose new sidecar image fails to pull: updated, not ready, failed with the reason', () => {
    const { snap, ctx } = setup();
    expect(podSidecars(podNamed(snap, 'web-6d8f7c9b5-a4kzq'), ctx)).toEqual([
      {
        sidecarSet: 'log-ss',
        container: 'fluent-bit',
        specImage: FB_NEW,
        statusImage: FB_NEW,
        revision: 'log-ss-7c5d8f9b4',
        revisionNumber: 2,
        updated: true,
        upgradable: true,
        inFlight: false,
        ready: false,
        restarts: 0,
        failed: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${FB_NEW}"` },
      },
    ]);
  });

  it('a new pod whose containers have no status yet is starting, not upgrading', () => {
    const { snap, ctx } = setup();
    const running = podNamed(snap, 'web-6d8f7c9b5-a4kzq');
    const pending: Pod = { ...running, status: { phase: 'Pending', conditions: [] } };
    const [state] = podSidecars(pending, ctx);
    expect(state?.updated).toBe(true);
    expect(state?.inFlight).toBe(false);
  });

  it('an outdated pod on the previous revision', () => {
    const { snap, ctx } = setup();
    expect(podSidecars(podNamed(snap, 'web-6d8f7c9b5-b7m2x'), ctx)).toEqual([
      {
        sidecarSet: 'log-ss',
        container: 'fluent-bit',
        specImage: FB_OLD,
        statusImage: FB_OLD,
        revision: 'log-ss-5b8c7d6f9',
        revisionNumber: 1,
        updated: false,
        upgradable: true,
        inFlight: false,
        ready: true,
        restarts: 0,
      },
    ]);
  });

  it('reads the LEGACY {"name":"hash"} annotations of a hot-upgrade pod: the working twin, no revision', () => {
    const { snap, ctx } = setup();
    const pod = podNamed(snap, 'api-1');
    expect(pod.metadata.annotations?.['kruise.io/sidecarset-hash']).toBe(
      JSON.stringify({ 'mesh-ss': sidecarSetNamed(snap, 'mesh-ss').metadata.annotations?.['kruise.io/sidecarset-hash'] }),
    );
    expect(podSidecars(pod, ctx)).toEqual([
      {
        sidecarSet: 'mesh-ss',
        container: 'envoy',
        workingContainer: 'envoy-2',
        specImage: ENVOY,
        statusImage: ENVOY,
        updated: true,
        upgradable: true,
        inFlight: false,
        ready: true,
        restarts: 0,
      },
    ]);
  });

  it('a hot-upgrade pod whose idle twin has not been reset yet is still in flight', () => {
    const { snap, ctx } = setup();
    const pod = podNamed(snap, 'api-0');
    const idle = pod.spec.containers.find((c) => c.name === 'envoy-2');
    if (!idle) throw new Error('fixture has envoy-2');
    idle.image = 'docker.io/envoyproxy/envoy:v1.31.1';
    const [state] = podSidecars(pod, ctx);
    expect(state).toEqual({
      sidecarSet: 'mesh-ss',
      container: 'envoy',
      workingContainer: 'envoy-1',
      specImage: ENVOY,
      statusImage: ENVOY,
      revision: 'mesh-ss-8f6d5c4b7',
      revisionNumber: 1,
      updated: true,
      upgradable: true,
      inFlight: true,
      ready: true,
      restarts: 0,
    });
  });

  it('an updated cold sidecar whose runtime still reports the pre-update imageID is in flight', () => {
    const { snap, ctx } = setup();
    const pod = podNamed(snap, 'cart-7xk2p');
    expect(podSidecars(pod, ctx)[0]?.inFlight).toBe(false);
    const st = pod.status?.containerStatuses?.find((s) => s.name === 'config-reloader');
    const old = podNamed(snap, 'cart-9m4rd').status?.containerStatuses?.find((s) => s.name === 'config-reloader');
    if (!st || !old) throw new Error('fixture has config-reloader statuses');
    st.image = RL_OLD;
    st.imageID = old.imageID;
    expect(podSidecars(pod, ctx)).toEqual([
      {
        sidecarSet: 'cfg-ss',
        container: 'config-reloader',
        specImage: RL_NEW,
        statusImage: RL_OLD,
        revision: 'cfg-ss-6b7c8d9f5',
        revisionNumber: 2,
        updated: true,
        upgradable: true,
        inFlight: true,
        ready: true,
        restarts: 1,
      },
    ]);
  });

  it('a pod whose without-image hash differs is not upgradable (and the controller said so)', () => {
    const { snap, ctx } = setup();
    const pod = podNamed(snap, 'node-agent-4xk9z');
    expect(upgradableVerdicts(pod)).toEqual({ 'trace-ss': false });
    expect(podSidecars(pod, ctx)).toEqual([
      {
        sidecarSet: 'trace-ss',
        container: 'otel-agent',
        specImage: 'otel/opentelemetry-collector-contrib:0.110.0',
        statusImage: 'otel/opentelemetry-collector-contrib:0.110.0',
        revision: 'trace-ss-5c6d7f8b9',
        updated: false,
        upgradable: false,
        inFlight: false,
        ready: true,
        restarts: 0,
      },
    ]);
  });

  it('orphaned sidecars: SidecarSet deleted, container removed from it, pod no longer selected', () => {
    const { snap, ctx } = setup();
    expect(podSidecars(podNamed(snap, 'legacy-worker-5c7d9f8b6-qq2lw'), ctx)).toEqual([
      {
        sidecarSet: 'old-ss',
        container: 'statsd-exporter',
        specImage: 'prom/statsd-exporter:v0.26.1',
        statusImage: 'prom/statsd-exporter:v0.26.1',
        revision: 'old-ss-2b3c4d5f6',
        updated: false,
        upgradable: true,
        inFlight: false,
        ready: true,
        restarts: 0,
        orphaned: true,
        orphanReason: 'sidecarset-deleted',
      },
    ]);

    const relabeled: Pod = podNamed(snap, 'cart-9m4rd');
    relabeled.metadata.labels = { 'app.kubernetes.io/name': 'cart-v2' };
    expect(podSidecars(relabeled, ctx).map((s) => [s.container, s.orphaned, s.orphanReason])).toEqual([
      ['config-reloader', true, 'no-longer-selected'],
    ]);

    const cfg = sidecarSetNamed(snap, 'cfg-ss');
    cfg.spec.containers = [{ ...cfg.spec.containers?.[0], name: 'reloader' }];
    const ctx2 = sidecarContext(snap.sidecarSets, snap.revisions, snap.namespaces);
    expect(podSidecars(podNamed(snap, 'cart-b2vq8'), ctx2).map((s) => [s.container, s.orphaned, s.orphanReason])).toEqual([
      ['config-reloader', true, 'container-removed'],
    ]);
  });

  it('a pod with no SidecarSet has no sidecars; a completed pod keeps its (terminated) sidecars', () => {
    const { snap, ctx } = setup();
    expect(podSidecars(podNamed(snap, 'debug-shell'), ctx)).toEqual([]);
    expect(injectingSidecarSets(podNamed(snap, 'report-29412345-h7d2k'))).toEqual(['audit-ss']);
    expect(podSidecars(podNamed(snap, 'report-29412345-h7d2k'), ctx).map((s) => [s.container, s.updated, s.ready, s.failed])).toEqual([
      ['auditd', false, false, undefined],
    ]);
  });

  it('containerFailure: waiting reasons that will not clear by themselves, and non-zero exits', () => {
    expect(containerFailure(undefined)).toBeUndefined();
    expect(
      containerFailure({
        name: 'a',
        image: 'x',
        imageID: '',
        ready: false,
        restartCount: 4,
        state: { waiting: { reason: 'CrashLoopBackOff' } },
      }),
    ).toEqual({ reason: 'CrashLoopBackOff' });
    expect(
      containerFailure({
        name: 'a',
        image: 'x',
        imageID: '',
        ready: false,
        restartCount: 0,
        state: { waiting: { reason: 'ContainerCreating' } },
      }),
    ).toBeUndefined();
    expect(
      containerFailure({ name: 'a', image: 'x', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 137 } } }),
    ).toEqual({ reason: 'ExitCode:137' });
  });
});

describe('podRevision', () => {
  it('maps a pod injected before the first status (no controllerRevision in its hash entry) to a revision by hash', () => {
    const { snap } = setup();
    const rev = snap.revisions.find((r) => r.metadata.name === 'log-ss-7c5d8f9b4');
    if (!rev) throw new Error('fixture revision missing');
    const withHash = { ...rev, metadata: { ...rev.metadata, annotations: { 'kruise.io/sidecarset-hash': 'h-2' } } };
    const ctx = sidecarContext(snap.sidecarSets, [withHash], snap.namespaces);
    expect(podRevision({ hash: 'h-2' }, 'log-ss', ctx)).toBe('log-ss-7c5d8f9b4');
    // The name the pod gives wins; an unknown hash, or another SidecarSet's, maps to nothing.
    expect(podRevision({ hash: 'h-2', controllerRevision: 'log-ss-1' }, 'log-ss', ctx)).toBe('log-ss-1');
    expect(podRevision({ hash: 'h-9' }, 'log-ss', ctx)).toBeUndefined();
    expect(podRevision({ hash: 'h-2' }, 'other-ss', ctx)).toBeUndefined();
  });
});
