/**
 * The rollout guard against a cluster (the built-in one, or the real control plane with
 * SIDECAR_FLEET_TEST_CLUSTER=real): real injection, a real in-place upgrade to an
 * image that cannot be pulled, two guard "replicas" (each with its own client and watch cache, as
 * two dashboard processes would have) racing to pause. No mocks.
 */
import { AppsV1Api, CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SidecarSet } from '@/lib/fleet/k8s-types';
import { type ClusterHandle, startClusterOf, TEST_CLUSTER } from '@/lib/test-support/clusters';
import { dropSharedFleetCache, FleetCache, sharedFleetCache } from './cache';
import { createFleetClient } from './config';
import type { FleetSession } from './fleet';
import { createRolloutGuard, type RolloutGuard, rolloutGuardStatus, startRolloutGuards, stopRolloutGuard } from './guard';
import { eventually } from '@/lib/test-support/poll';

let cluster: ClusterHandle;
let admin: FleetSession;
const caches: FleetCache[] = [];
const guards: RolloutGuard[] = [];

function session(context: string): FleetSession {
  const client = createFleetClient({ kubeconfigPath: cluster.kubeconfigPath, context });
  return { client, identity: client.identity };
}

const custom = () => admin.client.kc.makeApiClient(CustomObjectsApi);
const core = () => admin.client.kc.makeApiClient(CoreV1Api);

async function getSidecarSet(name: string): Promise<SidecarSet> {
  return (await custom().getClusterCustomObject({
    group: 'apps.kruise.io',
    version: 'v1beta1',
    plural: 'sidecarsets',
    name,
  })) as SidecarSet;
}

function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  return eventually(what, fn, Boolean, { timeoutMs, intervalMs: 200 }) as Promise<T>;
}

async function guardEvents(name: string) {
  const list = await core().listNamespacedEvent({ namespace: 'default' });
  return list.items.filter((e) => e.involvedObject.name === name && e.reason === 'RolloutGuardPaused');
}

async function setUp(name: string, guard: string, replicas: number) {
  await core().createNamespace({ body: { metadata: { name } } });
  await custom().createClusterCustomObject({
    group: 'apps.kruise.io',
    version: 'v1beta1',
    plural: 'sidecarsets',
    body: {
      apiVersion: 'apps.kruise.io/v1beta1',
      kind: 'SidecarSet',
      metadata: { name, annotations: { 'sidecarfleet.io/guard': guard } },
      spec: {
        selector: { matchLabels: { app: name } },
        updateStrategy: { type: 'RollingUpdate', maxUnavailable: 1 },
        containers: [{ name: 'log-agent', image: 'docker.io/library/busybox:1.36', command: ['sleep', '999d'] }],
      },
    },
  });
  // Kruise's pod webhook injects from its informer cache: pods are created once the controller has seen the SidecarSet.
  await waitFor(`Kruise to observe ${name}`, async () => {
    const ss = await getSidecarSet(name);
    return ss.status?.observedGeneration === ss.metadata.generation;
  });
  await admin.client.kc.makeApiClient(AppsV1Api).createNamespacedDeployment({
    namespace: name,
    body: {
      metadata: { name: 'web' },
      spec: {
        replicas,
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name } },
          spec: { containers: [{ name: 'nginx', image: 'docker.io/library/nginx:1.27' }] },
        },
      },
    },
  });
  await waitFor(`${replicas} ready pods of ${name}`, async () => {
    const ss = await getSidecarSet(name);
    return ss.status?.matchedPods === replicas && ss.status.readyPods === replicas;
  });
}

async function setImage(name: string, image: string) {
  await custom().patchClusterCustomObject(
    {
      group: 'apps.kruise.io',
      version: 'v1beta1',
      plural: 'sidecarsets',
      name,
      body: [{ op: 'replace', path: '/spec/containers/0/image', value: image }],
    },
    setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
  );
}

function replica(auto = true): RolloutGuard {
  const s = session(cluster.contextFor('admin'));
  const cache = new FleetCache(s.client);
  caches.push(cache);
  const g = createRolloutGuard({ session: s, cache, tickMs: 300, auto, log: () => {} });
  guards.push(g);
  return g;
}

beforeAll(async () => {
  cluster = await startClusterOf(TEST_CLUSTER, { kubeletDelayMs: 150 });
  admin = session(cluster.contextFor('admin'));
});

// Each test's replicas stop with it: a guard left running would act on the next test's objects.
afterEach(() => {
  for (const g of guards.splice(0)) g.stop();
  for (const c of caches.splice(0)) c.stop();
});

afterAll(async () => {
  await cluster?.stop();
});

describe('rollout guard', () => {
  it('pauses a rollout whose updated pod cannot pull its image, and says why', async () => {
    await setUp('guarded', '{"maxFailedPods":0,"notReadySeconds":60}', 4);
    const g = replica();
    await setImage('guarded', 'docker.io/library/busybox:1.37-broken');

    const paused = await waitFor('the guard to pause', async () => {
      const ss = await getSidecarSet('guarded');
      return ss.spec.updateStrategy?.paused === true ? ss : undefined;
    });
    const note = JSON.parse(paused.metadata.annotations?.['sidecarfleet.io/guard-paused'] ?? '{}');
    expect(note.message).toMatch(/^1 of 1 updated pods are failing \((ErrImagePull|ImagePullBackOff) on 1; maxFailedPods 0 allows 0\)/);
    expect(note.hash).toBe(paused.metadata.annotations?.['kruise.io/sidecarset-hash']);
    // The guard hears its PATCH answered a moment after the API server (and this test) see it.
    await waitFor('the guard to record its pause', async () => g.status('guarded')?.lastAction?.outcome === 'paused');
    const events = await guardEvents('guarded');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'Warning', involvedObject: { kind: 'SidecarSet', name: 'guarded' } });
    expect(events[0]?.message).toContain('paused the rollout: 1 of 1 updated pods are failing');

    // Paused for real: no further pod gets the broken image.
    const updatedAtPause = (await getSidecarSet('guarded')).status?.updatedPods;
    expect(updatedAtPause).toBe(1);
    await new Promise((r) => setTimeout(r, 2000));
    expect((await getSidecarSet('guarded')).status?.updatedPods).toBe(1);
    await waitFor('the guard to see the pause', async () => {
      await g.evaluate();
      return g.status('guarded')?.state === 'idle';
    });
  });

  it('guards a cluster whose shared cache opened before the guards started (the boot warm-up)', async () => {
    await setUp('early', '{"maxFailedPods":0,"notReadySeconds":60}', 2);
    const s = session(cluster.contextFor('admin'));
    // What the server does at boot: the default cluster's cache first, then the guards.
    sharedFleetCache(s.client);
    startRolloutGuards();
    try {
      await waitFor('the guard to watch the SidecarSet', async () => rolloutGuardStatus(s.client, 'early'));
      await setImage('early', 'docker.io/library/busybox:1.37-broken');
      await waitFor('the guard to pause', async () => (await getSidecarSet('early')).spec.updateStrategy?.paused === true);
      await waitFor('the guard to record its pause', async () => rolloutGuardStatus(s.client, 'early')?.lastAction?.outcome === 'paused');
    } finally {
      stopRolloutGuard();
      dropSharedFleetCache(s.client);
    }
  });

  it('of two replicas deciding on the same object, exactly one pauses and writes the Event', async () => {
    await setUp('raced', '{"maxFailedPods":0,"notReadySeconds":60}', 3);
    // Both replicas evaluate only when told, so they decide on the same resourceVersion.
    const a = replica(false);
    const b = replica(false);
    await setImage('raced', 'docker.io/library/busybox:1.37-broken');
    const failingSeenBy = async (c: FleetCache) =>
      c.pods
        .values()
        .some(
          (p) =>
            p.metadata.namespace === 'raced' &&
            p.status?.containerStatuses?.some((s) => ['ErrImagePull', 'ImagePullBackOff'].includes(s.state?.waiting?.reason ?? '')),
        );
    // A status write can land between the check and the evaluation and leave both replicas with
    // a stale version (both lose, nobody pauses): then they decide again on the new one.
    for (let round = 0; round < 5; round++) {
      await waitFor('both caches to see the failing pod at the same SidecarSet version', async () => {
        const [ca, cb] = caches as [FleetCache, FleetCache];
        const rvA = ca.sidecarsets?.items.get('raced')?.metadata.resourceVersion;
        const rvB = cb.sidecarsets?.items.get('raced')?.metadata.resourceVersion;
        const live = (await getSidecarSet('raced')).metadata.resourceVersion;
        return (await failingSeenBy(ca)) && (await failingSeenBy(cb)) && rvA === live && rvB === live;
      });
      await Promise.all([a.evaluate(), b.evaluate()]);
      if ((await getSidecarSet('raced')).spec.updateStrategy?.paused) break;
    }
    const outcomes = [a.status('raced')?.lastAction?.outcome, b.status('raced')?.lastAction?.outcome].sort();
    expect(outcomes).toEqual(['lost-race', 'paused']);
    expect((await getSidecarSet('raced')).spec.updateStrategy?.paused).toBe(true);
    expect(await guardEvents('raced')).toHaveLength(1);
  });

  it('leaves a healthy rollout and an unguarded SidecarSet alone', async () => {
    await setUp('healthy', '{"maxFailedPods":0,"notReadySeconds":60}', 3);
    await setUp('unguarded-broken', 'not json', 3);
    const g = replica();
    await setImage('healthy', 'docker.io/library/busybox:1.37');
    await setImage('unguarded-broken', 'docker.io/library/busybox:1.37-broken');
    await waitFor('the healthy rollout to finish', async () => {
      const ss = await getSidecarSet('healthy');
      return ss.status?.updatedReadyPods === 3;
    });
    await waitFor('the broken one to fail a pod', async () => {
      const pods = await core().listNamespacedPod({ namespace: 'unguarded-broken' });
      return pods.items.some((p) =>
        p.status?.containerStatuses?.some((c) => ['ErrImagePull', 'ImagePullBackOff'].includes(c.state?.waiting?.reason ?? '')),
      );
    });
    await g.evaluate();
    expect((await getSidecarSet('healthy')).spec.updateStrategy?.paused).not.toBe(true);
    expect((await getSidecarSet('unguarded-broken')).spec.updateStrategy?.paused).not.toBe(true);
    expect(g.status('unguarded-broken')).toMatchObject({ state: 'invalid' });
    expect(await guardEvents('healthy')).toHaveLength(0);
    expect(await guardEvents('unguarded-broken')).toHaveLength(0);
  });
});
