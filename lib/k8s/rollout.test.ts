/**
 * The rollout reads and writes of lib/k8s against a cluster over HTTPS, as the dashboard uses them:
 * real access reviews, real patches (with `test` ops), real Events. No mocks. On the built-in
 * cluster by default; on the real control plane (real RBAC, real Kruise webhooks) with
 * SIDECAR_FLEET_TEST_CLUSTER=real.
 */
import { AppsV1Api, CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SidecarSet } from '@/lib/fleet/k8s-types';
import {
  buildCanary,
  buildPause,
  buildResume,
  buildRollback,
  type PlannedChange,
  revisionImages,
  seenFrom,
} from '@/lib/fleet/rollout-actions';
import { type ClusterHandle, startClusterOf, TEST_CLUSTER } from '@/lib/test-support/clusters';
import { FleetCache } from './cache';
import { createFleetClient } from './config';
import { toK8sError } from './errors';
import type { FleetSession } from './fleet';
import { previewChange } from '@/lib/fleet/rollout-preview';
import { reviewAccess, rolloutAccess } from './access-review';
import { rolloutContext } from './rollout-reads';
import { applyRolloutChange } from './rollout-writes';
import { CONFLICT_MESSAGE, describeWriteError } from './write-errors';

let cluster: ClusterHandle;
let admin: FleetSession;
let viewer: FleetSession;
let adminCache: FleetCache;

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

async function createSidecarSet(
  name: string,
  strategy: Record<string, unknown> = { type: 'RollingUpdate', partition: 0, maxUnavailable: 1 },
) {
  await custom().createClusterCustomObject({
    group: 'apps.kruise.io',
    version: 'v1beta1',
    plural: 'sidecarsets',
    body: {
      apiVersion: 'apps.kruise.io/v1beta1',
      kind: 'SidecarSet',
      metadata: { name },
      spec: {
        selector: { matchLabels: { app: name } },
        updateStrategy: strategy,
        containers: [
          { name: 'log-agent', image: 'fluent/fluent-bit:3.0.4', command: ['sleep', '999d'] },
          { name: 'proxy', image: 'envoyproxy/envoy:v1.30.1', command: ['sleep', '999d'] },
        ],
      },
    },
  });
  return getSidecarSet(name);
}

async function eventsFor(name: string) {
  const list = await core().listNamespacedEvent({ namespace: 'default' });
  return list.items.filter((e) => e.involvedObject.kind === 'SidecarSet' && e.involvedObject.name === name);
}

beforeAll(async () => {
  cluster = await startClusterOf(TEST_CLUSTER, { kubeletDelayMs: 400 });
  admin = session(cluster.contextFor('admin'));
  viewer = session(cluster.contextFor('viewer'));
  adminCache = new FleetCache(admin.client);
  adminCache.start();
  await adminCache.ready(10_000);
});

afterAll(async () => {
  adminCache?.stop();
  await cluster?.stop();
});

describe('access reviews', () => {
  it('says who may patch SidecarSets, and why not', async () => {
    expect(await rolloutAccess(admin, 'anything')).toEqual({ canPatch: true });
    const v = await rolloutAccess(viewer, 'anything');
    expect(v.canPatch).toBe(false);
    expect(v.reason).toMatch(new RegExp(`^${cluster.contextFor('viewer')} may not patch sidecarsets\\.apps\\.kruise\\.io "anything"`));
    const pods = await reviewAccess(viewer, { verb: 'patch', group: '', resource: 'pods', namespace: 'default' });
    expect(pods.ok && pods.value).toMatchObject({ allowed: false, what: 'patch pods in namespace default' });
  });
});

describe('applyRolloutChange', () => {
  it('sends the canary as one JSON Patch and writes the audit Event', async () => {
    const ss = await createSidecarSet('canary-ok');
    const built = buildCanary(
      { ...seenFrom(ss), matchedPods: 10 },
      {
        container: 'proxy',
        image: 'envoyproxy/envoy:v1.31.0',
        scope: { kind: 'percent', percent: 10 },
      },
    );
    if (!built.ok) throw new Error(built.message);
    const r = await applyRolloutChange(admin, 'canary-ok', built.change, { cache: adminCache });
    expect(r.ok && r.value.eventError).toBeUndefined();
    const after = await getSidecarSet('canary-ok');
    expect(after.spec.containers?.map((c) => c.image)).toEqual(['fluent/fluent-bit:3.0.4', 'envoyproxy/envoy:v1.31.0']);
    expect(after.spec.updateStrategy?.partition).toBe('90%');
    const events = await eventsFor('canary-ok');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      metadata: { namespace: 'default' },
      reason: 'CanaryStarted',
      type: 'Normal',
      involvedObject: { kind: 'SidecarSet', name: 'canary-ok', apiVersion: 'apps.kruise.io/v1beta1' },
      source: { component: 'sidecar-fleet' },
    });
    expect(events[0]?.involvedObject.namespace).toBeUndefined();
    expect(events[0]?.message).toBe(
      `${cluster.contextFor('admin')} started a canary via Sidecar Fleet: proxy image envoyproxy/envoy:v1.30.1 → envoyproxy/envoy:v1.31.0; partition 0 → "90%"`,
    );
  });

  it('refuses a change built from a stale view with a conflict, and changes nothing', async () => {
    const ss = await createSidecarSet('canary-stale');
    const built = buildCanary(
      { ...seenFrom(ss), matchedPods: 10 },
      {
        container: 'log-agent',
        image: 'fluent/fluent-bit:3.1.0',
        scope: { kind: 'count', count: 2 },
      },
    );
    if (!built.ok) throw new Error(built.message);
    // Someone else changes the image after the page loaded.
    await custom().patchClusterCustomObject(
      {
        group: 'apps.kruise.io',
        version: 'v1beta1',
        plural: 'sidecarsets',
        name: 'canary-stale',
        body: [{ op: 'replace', path: '/spec/containers/0/image', value: 'fluent/fluent-bit:3.0.9' }],
      },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    );
    const before = await getSidecarSet('canary-stale');
    const r = await applyRolloutChange(admin, 'canary-stale', built.change, { cache: adminCache });
    expect(r).toEqual({ ok: false, error: expect.objectContaining({ kind: 'Conflict', message: CONFLICT_MESSAGE }) });
    const after = await getSidecarSet('canary-stale');
    expect(after.spec).toEqual(before.spec);
    // Status writes by the controller bump the resourceVersion; the spec and its generation must not move.
    expect(after.metadata.generation).toBe(before.metadata.generation);
    expect(await eventsFor('canary-stale')).toHaveLength(0);
  });

  it('refuses the viewer before sending anything, naming the verb and resource', async () => {
    const ss = await createSidecarSet('viewer-refused');
    const built = buildPause(seenFrom(ss));
    if (!built.ok) throw new Error(built.message);
    const r = await applyRolloutChange(viewer, 'viewer-refused', built.change, { cache: adminCache });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.kind).toBe('Forbidden');
    expect(r.error.message).toMatch(
      new RegExp(`^Forbidden: ${cluster.contextFor('viewer')} may not patch sidecarsets\\.apps\\.kruise\\.io "viewer-refused"`),
    );
    expect((await getSidecarSet('viewer-refused')).spec.updateStrategy?.paused).toBeUndefined();
  });

  it('maps a 403 from the API server itself to the missing verb and resource', async () => {
    await createSidecarSet('viewer-direct');
    let err: unknown;
    try {
      await viewer.client.kc.makeApiClient(CustomObjectsApi).patchClusterCustomObject(
        {
          group: 'apps.kruise.io',
          version: 'v1beta1',
          plural: 'sidecarsets',
          name: 'viewer-direct',
          body: { spec: { updateStrategy: { paused: true } } },
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
    } catch (e) {
      err = e;
    }
    const mapped = describeWriteError(toK8sError(err), {
      identity: viewer.identity,
      what: 'patch sidecarsets.apps.kruise.io "viewer-direct"',
      sidecarSet: 'viewer-direct',
    });
    expect(mapped.kind).toBe('Forbidden');
    expect(mapped.message).toMatch(
      new RegExp(`^Forbidden: ${cluster.contextFor('viewer')} may not patch sidecarsets\\.apps\\.kruise\\.io "viewer-direct"\\. `),
    );
    expect(mapped.message).toContain('forbidden');
  });

  it('pauses with a merge patch and resumes with a guarded JSON Patch', async () => {
    const ss = await createSidecarSet('pause-resume');
    const pause = buildPause(seenFrom(ss));
    if (!pause.ok) throw new Error(pause.message);
    expect((await applyRolloutChange(admin, 'pause-resume', pause.change, { cache: adminCache })).ok).toBe(true);
    const paused = await getSidecarSet('pause-resume');
    expect(paused.spec.updateStrategy?.paused).toBe(true);

    const resume = buildResume(seenFrom(paused));
    if (!resume.ok) throw new Error(resume.message);
    expect((await applyRolloutChange(admin, 'pause-resume', resume.change, { cache: adminCache })).ok).toBe(true);
    expect((await getSidecarSet('pause-resume')).spec.updateStrategy?.paused).toBe(false);
    // Resuming again from the same (now stale) view conflicts instead of doing anything.
    const again = await applyRolloutChange(admin, 'pause-resume', resume.change, { cache: adminCache });
    expect(again.ok === false && again.error.kind).toBe('Conflict');
    expect((await eventsFor('pause-resume')).map((e) => e.reason).sort()).toEqual(['RolloutPaused', 'RolloutResumed']);
  });

  it('reports a webhook denial with its own message', async () => {
    const ss = await createSidecarSet('webhook-denied');
    // Built by hand: the dashboard's own checks would refuse it before sending.
    const change: PlannedChange = {
      action: 'canary',
      patchType: 'json',
      patch: [
        { op: 'test', path: '/spec/updateStrategy', value: ss.spec.updateStrategy },
        { op: 'add', path: '/spec/updateStrategy/partition', value: '0%' },
        { op: 'add', path: '/spec/updateStrategy/selector', value: { matchLabels: { canary: 'true' } } },
      ],
      diff: [],
      summary: 'forced',
      warnings: [],
    };
    const r = await applyRolloutChange(admin, 'webhook-denied', change, { cache: adminCache });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.kind).toBe('Invalid');
    expect(r.error.message).toMatch(
      /^admission webhook "vsidecarset\.kb\.io" denied the request: .*Partition and Selector cannot be used together/,
    );
    expect(await eventsFor('webhook-denied')).toHaveLength(0);
  });
});

describe('two changes from the same view', () => {
  it('a pause and a canary sent at the same moment: exactly one lands, the other is a conflict', async () => {
    for (let trial = 0; trial < 5; trial++) {
      const name = `race-${trial}`;
      const ss = await createSidecarSet(name);
      const seen = { ...seenFrom(ss), matchedPods: 10 };
      const canary = buildCanary(seen, { container: 'proxy', image: 'envoyproxy/envoy:v1.31.0', scope: { kind: 'percent', percent: 10 } });
      const pause = buildPause(seen);
      if (!canary.ok || !pause.ok) throw new Error('could not build the changes');
      const results = await Promise.all([
        applyRolloutChange(admin, name, canary.change, { cache: adminCache }),
        applyRolloutChange(admin, name, pause.change, { cache: adminCache }),
      ]);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      const lost = results.find((r) => !r.ok);
      expect(lost?.ok === false && lost.error).toMatchObject({ kind: 'Conflict', message: CONFLICT_MESSAGE });
      const after = await getSidecarSet(name);
      // Whichever won, the SidecarSet shows exactly that change, never both.
      const canaried = after.spec.containers?.[1]?.image === 'envoyproxy/envoy:v1.31.0';
      expect(canaried).toBe(after.spec.updateStrategy?.paused !== true);
      expect(after.metadata.generation).toBe((ss.metadata.generation ?? 0) + 1);
    }
  });
});

describe('previewChange', () => {
  it('previews a roll back of a half-done rollout: only the pods on the new image are listed', async () => {
    await core().createNamespace({ body: { metadata: { name: 'preview-rb' } } });
    await createSidecarSet('preview-rb');
    await admin.client.kc.makeApiClient(AppsV1Api).createNamespacedDeployment({
      namespace: 'preview-rb',
      body: {
        metadata: { name: 'web' },
        spec: {
          replicas: 4,
          selector: { matchLabels: { app: 'preview-rb' } },
          template: {
            metadata: { labels: { app: 'preview-rb' } },
            spec: { containers: [{ name: 'app', image: 'docker.io/library/nginx:1.27' }] },
          },
        },
      },
    });
    const poll = { timeout: 30_000, interval: 150 };
    await expect.poll(async () => (await getSidecarSet('preview-rb')).status?.readyPods, { ...poll, message: '4 ready pods' }).toBe(4);
    await custom().patchClusterCustomObject(
      {
        group: 'apps.kruise.io',
        version: 'v1beta1',
        plural: 'sidecarsets',
        name: 'preview-rb',
        body: [
          { op: 'replace', path: '/spec/containers/1/image', value: 'envoyproxy/envoy:v1.31.0' },
          { op: 'add', path: '/spec/updateStrategy/partition', value: 2 },
          { op: 'add', path: '/spec/updateStrategy/maxUnavailable', value: 2 },
        ],
      },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    );
    await expect
      .poll(async () => (await getSidecarSet('preview-rb')).status?.updatedReadyPods, { ...poll, message: '2 updated and ready pods' })
      .toBe(2);
    const rvNow = (await getSidecarSet('preview-rb')).metadata.resourceVersion;
    await expect
      .poll(
        async () => {
          const ctx = await rolloutContext(admin, 'preview-rb', adminCache);
          return { resourceVersion: ctx?.sidecarSet.metadata.resourceVersion, revisions: ctx?.revisions.length };
        },
        { ...poll, message: 'the cache to catch up' },
      )
      .toEqual({ resourceVersion: rvNow, revisions: 2 });

    const ctx = await rolloutContext(admin, 'preview-rb', adminCache);
    if (!ctx) throw new Error('no context');
    const first = ctx.revisions.find((r) => r.revision === 1);
    if (!first) throw new Error('no revision 1');
    const built = buildRollback(seenFrom(ctx.sidecarSet), { revision: revisionImages(first) });
    if (!built.ok) throw new Error(built.message);
    const result = previewChange(ctx, built.change);
    if (!result.ok) throw new Error('the rollback does not apply to the cached SidecarSet');
    const preview = result.preview;
    const onNew = ctx.pods
      .filter((p) => p.spec.containers.some((c) => c.name === 'proxy' && c.image === 'envoyproxy/envoy:v1.31.0'))
      .map((p) => `preview-rb/${p.metadata.name}`)
      .sort();
    expect(onNew).toHaveLength(2);
    expect(preview.updatedAfter).toBe(2);
    expect(preview.pods.map((p) => `${p.namespace}/${p.name}`).sort()).toEqual(onNew);
    expect(preview.coverTotal).toBe(4);
    expect(preview.nextRoundTotal).toBe(2);
  });
});
