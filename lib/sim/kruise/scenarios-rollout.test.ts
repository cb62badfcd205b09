/**
 * Rolling upgrades over HTTPS on the built-in cluster, driven with @kubernetes/client-node as a
 * user would: partition in percent, maxUnavailable with a failing image, pause and resume, a
 * selector canary, and a non-image change making pods not upgradable and back.
 */
import { describe, expect } from 'vitest';
import type { Pod } from '@/lib/fleet/k8s-types';
import {
  annotationJson,
  containerImage,
  createDeployment,
  createSidecarSet,
  failure,
  getSidecarSet,
  jsonPatch,
  type KruiseCluster,
  listEvents,
  listPods,
  mergePatch,
  observeThePods,
  observeTheSidecarSet,
  sleep,
  kruiseScenarios,
  waitFor,
  waitForRunning,
  waitForStatus,
} from './scenario-support';

const scenario = kruiseScenarios();

const NS = 'rollout';

/** A SidecarSet `name` with one cold sidecar `agent`, and a Deployment `name` of `replicas` pods it matches. */
async function setUp(k: KruiseCluster, name: string, replicas: number, strategy: Record<string, unknown> = {}): Promise<Pod[]> {
  await createSidecarSet(k, name, {
    selector: { matchLabels: { sidecar: name } },
    updateStrategy: strategy,
    containers: [{ name: 'agent', image: 'docker.io/library/busybox:1.35', command: ['sleep', '999d'] }],
  });
  await createDeployment(k, NS, name, replicas, { sidecar: name });
  const pods = await waitForRunning(k, NS, `sidecar=${name}`, replicas);
  await waitForStatus(k, name, { matchedPods: replicas, updatedPods: replicas, readyPods: replicas, updatedReadyPods: replicas });
  await observeTheSidecarSet(k, `${name} set up`, name);
  observeThePods(k, `${name} pods set up`, pods);
  return pods;
}

const setImage = (image: string, from = 'docker.io/library/busybox:1.35') => [
  { op: 'test', path: '/spec/containers/0/image', value: from },
  { op: 'replace', path: '/spec/containers/0/image', value: image },
];

function withImage(pods: Pod[], image: string): string[] {
  return pods.filter((p) => containerImage(p, 'agent') === image).map((p) => p.metadata.name);
}

describe('rolling upgrades over HTTP', () => {
  scenario('a partition in percent keeps that share of pods on the old version until lowered', async (k) => {
    await setUp(k, 'pct', 10, { maxUnavailable: '50%' });
    // Image and partition in one request, so no pod beyond the canary is touched.
    await jsonPatch(k, 'pct', [
      ...setImage('docker.io/library/busybox:1.36'),
      { op: 'replace', path: '/spec/updateStrategy/partition', value: '70%' },
    ]);
    // P = ceil(70% of 10) = 7 pods stay old; 3 are updated.
    const ss = await waitForStatus(k, 'pct', { matchedPods: 10, updatedPods: 3, readyPods: 10, updatedReadyPods: 3 });
    await sleep(500);
    const pods = await listPods(k, NS, 'sidecar=pct');
    const updated = withImage(pods, 'docker.io/library/busybox:1.36');
    observeThePods(k, 'pct pods at partition 70%', pods);
    expect(updated.length).toBe(3);
    for (const p of pods.filter((x) => updated.includes(x.metadata.name))) {
      expect(annotationJson(p, 'kruise.io/sidecarset-hash').pct?.hash).toBe(ss.metadata.annotations?.['kruise.io/sidecarset-hash']);
      expect(annotationJson(p, 'kruise.io/sidecarset-hash').pct?.controllerRevision).toBe(ss.status?.latestRevision);
      expect(Object.keys(annotationJson(p, 'kruise.io/sidecarset-inplace-update-state').pct?.lastContainerStatuses ?? {})).toEqual([
        'agent',
      ]);
    }
    expect((await getSidecarSet(k, 'pct')).status?.updatedPods).toBe(3);
    // "10%" keeps ceil(1) = 1 pod.
    await mergePatch(k, 'pct', { spec: { updateStrategy: { partition: '10%' } } });
    await waitForStatus(k, 'pct', { updatedPods: 9, updatedReadyPods: 9, readyPods: 10 });
    await mergePatch(k, 'pct', { spec: { updateStrategy: { partition: 0 } } });
    await waitForStatus(k, 'pct', { matchedPods: 10, updatedPods: 10, readyPods: 10, updatedReadyPods: 10 });
    await observeTheSidecarSet(k, 'pct done', 'pct');
    expect(withImage(await listPods(k, NS, 'sidecar=pct'), 'docker.io/library/busybox:1.36').length).toBe(10);
  });

  scenario('maxUnavailable bounds how many pods a failing image takes down, and the rollout stalls', async (k) => {
    await setUp(k, 'fail', 6, { maxUnavailable: 2 });
    await jsonPatch(k, 'fail', setImage('docker.io/library/busybox:1.36-broken'));
    const failing = await waitFor('two pods failing to pull', async () => {
      const pods = await listPods(k, NS, 'sidecar=fail');
      const bad = pods.filter((p) =>
        p.status?.containerStatuses?.some(
          (c) => c.name === 'agent' && /ErrImagePull|ImagePullBackOff/.test(c.state?.waiting?.reason ?? ''),
        ),
      );
      return bad.length === 2 ? bad : undefined;
    });
    // Updated counts failing pods; they use up the budget, so nothing else moves.
    await waitForStatus(k, 'fail', { matchedPods: 6, updatedPods: 2, readyPods: 4, updatedReadyPods: 0 });
    await sleep(600);
    const pods = await listPods(k, NS, 'sidecar=fail');
    observeThePods(k, 'fail pods stalled', pods);
    await observeTheSidecarSet(k, 'fail stalled', 'fail');
    expect(withImage(pods, 'docker.io/library/busybox:1.36-broken').sort()).toEqual(failing.map((p) => p.metadata.name).sort());
    const stalled = (await getSidecarSet(k, 'fail')).status;
    // updatedReadyPods is omitempty in Kruise's Go status: absent when 0.
    expect([stalled?.updatedPods, stalled?.updatedReadyPods ?? 0]).toEqual([2, 0]);
    // A good image: the not-ready pods go first without budget, then the rest.
    await jsonPatch(k, 'fail', setImage('docker.io/library/busybox:1.36', 'docker.io/library/busybox:1.36-broken'));
    await waitForStatus(k, 'fail', { matchedPods: 6, updatedPods: 6, readyPods: 6, updatedReadyPods: 6 });
    observeThePods(k, 'fail pods done', await listPods(k, NS, 'sidecar=fail'));
  });

  scenario('pause in the middle of a rollout stops further updates; resume finishes it', async (k) => {
    await setUp(k, 'pause', 6, { maxUnavailable: 2 });
    // A slow image: each round takes long enough to pause between rounds.
    await jsonPatch(k, 'pause', setImage('docker.io/library/busybox:1.36-slow'));
    await waitFor('the first round', async () => {
      const n = withImage(await listPods(k, NS, 'sidecar=pause'), 'docker.io/library/busybox:1.36-slow').length;
      return n >= 2 ? n : undefined;
    });
    await mergePatch(k, 'pause', { spec: { updateStrategy: { paused: true } } });
    const atPause = withImage(await listPods(k, NS, 'sidecar=pause'), 'docker.io/library/busybox:1.36-slow');
    expect(atPause.length).toBe(2);
    // The in-flight pods finish; no new pod is touched.
    await waitForStatus(k, 'pause', { matchedPods: 6, updatedPods: 2, updatedReadyPods: 2, readyPods: 6 }, 20_000);
    await sleep(800);
    expect(withImage(await listPods(k, NS, 'sidecar=pause'), 'docker.io/library/busybox:1.36-slow')).toEqual(atPause);
    await mergePatch(k, 'pause', { spec: { updateStrategy: { paused: false } } });
    await waitForStatus(k, 'pause', { matchedPods: 6, updatedPods: 6, readyPods: 6, updatedReadyPods: 6 }, 30_000);
    await observeTheSidecarSet(k, 'pause done', 'pause');
  });

  scenario('a selector canary updates only the labelled pods; dropping the selector rolls out the rest', async (k) => {
    const pods = await setUp(k, 'sel', 5, { maxUnavailable: 5 });
    const chosen = pods.slice(0, 2).map((p) => p.metadata.name);
    for (const name of chosen) {
      await k.core.patchNamespacedPod({ namespace: NS, name, body: [{ op: 'add', path: '/metadata/labels/canary', value: 'true' }] });
    }
    // A non-zero partition with a selector is refused by the webhook.
    const refused = await failure(
      k,
      jsonPatch(k, 'sel', [
        { op: 'add', path: '/spec/updateStrategy/selector', value: { matchLabels: { canary: 'true' } } },
        { op: 'replace', path: '/spec/updateStrategy/partition', value: 1 },
      ]),
    );
    expect(refused.code).toBe(500);
    // The strategy as fmt's %++v prints it, the selector and the IntOrStrings through their String methods.
    expect(refused.message).toBe(
      'admission webhook "vsidecarset.kb.io" denied the request: updateStrategy: Invalid value: "&{Type:RollingUpdate Paused:false Selector:&LabelSelector{MatchLabels:map[string]string{canary: true,},MatchExpressions:[]LabelSelectorRequirement{},} Partition:1 MaxUnavailable:5 PriorityStrategy:<nil> ScatterStrategy:[]}": Partition and Selector cannot be used together',
    );
    await jsonPatch(k, 'sel', [
      ...setImage('docker.io/library/busybox:1.36'),
      { op: 'add', path: '/spec/updateStrategy/selector', value: { matchLabels: { canary: 'true' } } },
    ]);
    await waitForStatus(k, 'sel', { matchedPods: 5, updatedPods: 2, readyPods: 5, updatedReadyPods: 2 });
    await observeTheSidecarSet(k, 'sel canary', 'sel');
    await sleep(400);
    expect(withImage(await listPods(k, NS, 'sidecar=sel'), 'docker.io/library/busybox:1.36')).toEqual(chosen.sort());
    await jsonPatch(k, 'sel', [{ op: 'remove', path: '/spec/updateStrategy/selector' }]);
    await waitForStatus(k, 'sel', { matchedPods: 5, updatedPods: 5, readyPods: 5, updatedReadyPods: 5 });
  });

  scenario('a non-image change makes pods not upgradable; putting it back with a new image upgrades them', async (k) => {
    await setUp(k, 'immut', 3, { maxUnavailable: 3 });
    const before = await getSidecarSet(k, 'immut');
    await jsonPatch(k, 'immut', [{ op: 'add', path: '/spec/containers/0/env', value: [{ name: 'LOG_LEVEL', value: 'debug' }] }]);
    const after = await getSidecarSet(k, 'immut');
    expect(after.metadata.annotations?.['kruise.io/sidecarset-hash']).not.toBe(before.metadata.annotations?.['kruise.io/sidecarset-hash']);
    expect(after.metadata.annotations?.['kruise.io/sidecarset-hash-without-image']).not.toBe(
      before.metadata.annotations?.['kruise.io/sidecarset-hash-without-image'],
    );
    await waitFor('SidecarSetUpgradable=False on every pod', async () => {
      const pods = await listPods(k, NS, 'sidecar=immut');
      return pods.every((p) =>
        p.status?.conditions?.some(
          (c) =>
            c.type === 'SidecarSetUpgradable' &&
            c.status === 'False' &&
            c.reason === 'UpdateImmutableField' &&
            c.message === '{"immut":false}',
        ),
      );
    });
    await waitForStatus(k, 'immut', { matchedPods: 3, updatedPods: 0, readyPods: 3, updatedReadyPods: 0 });
    const pods = await listPods(k, NS, 'sidecar=immut');
    observeThePods(k, 'immut pods not upgradable', pods);
    await observeTheSidecarSet(k, 'immut not upgradable', 'immut');
    // Nothing was applied to them: not the env, not anything else.
    for (const p of pods) expect(p.spec.containers.find((c) => c.name === 'agent')?.env).toEqual([{ name: 'IS_INJECTED', value: 'true' }]);
    const events = await listEvents(k, 'default', 'immut');
    const notUpgradable = events.find((e) => e.reason === 'NotUpgradablePods');
    expect(notUpgradable?.message).toBe('SidecarSet in-place update detected 3 not upgradable pod(s) in this round, will skip them.');
    expect(notUpgradable?.type).toBe('Normal');
    expect(notUpgradable?.involvedObject).toMatchObject({ kind: 'SidecarSet', name: 'immut' });

    // Put the env back and change the image in the same request: upgradable again, upgraded in place.
    await jsonPatch(k, 'immut', [{ op: 'remove', path: '/spec/containers/0/env' }, ...setImage('docker.io/library/busybox:1.36')]);
    await waitForStatus(k, 'immut', { matchedPods: 3, updatedPods: 3, readyPods: 3, updatedReadyPods: 3 });
    const done = await listPods(k, NS, 'sidecar=immut');
    observeThePods(k, 'immut pods upgraded', done);
    expect(withImage(done, 'docker.io/library/busybox:1.36').length).toBe(3);
    for (const p of done) {
      expect(p.status?.conditions?.find((c) => c.type === 'SidecarSetUpgradable')).toMatchObject({
        status: 'True',
        reason: 'AllSidecarsetUpgradable',
        message: '{"immut":true}',
      });
    }
  });
});
