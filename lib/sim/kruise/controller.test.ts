/**
 * The SidecarSet controller on the simulator's real store and admission chain. The test plays the
 * kubelet by hand (pod status writes through pods/status), so it can hold pods in exact states:
 * in flight, failing, ready. End-to-end behaviour with the kubelet stand-in over HTTP is in the
 * scenario tests.
 */
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ControllerRevision, Pod, SidecarSet } from '@/lib/fleet/k8s-types';
import { builtinSchemas } from '../apiserver/builtin-schemas';
import { defaultResources, Registry } from '../apiserver/resources';
import { MemStore } from '../apiserver/store';
import type { KObject } from '../types';
import type { SidecarSetController } from './controller';
import { kruiseEmulation } from './index';

const SS = 'apps.kruise.io/sidecarsets';
const REV = 'apps/controllerrevisions';

let store: MemStore;
let controller: SidecarSetController;

beforeEach(() => {
  store = new MemStore({ registry: new Registry(defaultResources()), builtinSchemas: builtinSchemas() });
  const k = kruiseEmulation({ consistentDelayMs: 30, requeueDelayMs: 20, batchDelayMs: 1 });
  store.addAdmission(k.admission);
  store.addConverters(k.converters);
  for (const [name, labels] of [
    ['default', {}],
    ['shop', { team: 'commerce' }],
    ['kruise-system', { 'control-plane': 'controller-manager' }],
  ] as const) {
    store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { ...labels } } });
  }
  controller = k.controllers[0] as SidecarSetController;
  controller.start(store);
});

afterEach(() => controller.stop());

function imageID(image: string): string {
  const at = image.indexOf('@');
  const repo = at >= 0 ? image.slice(0, at) : image.replace(/:[^/:]+$/, '');
  return `${repo}@sha256:${createHash('sha256').update(image).digest('hex')}`;
}

function getSS(name: string): SidecarSet {
  return store.get(SS, undefined, name) as unknown as SidecarSet;
}

function getPod(name: string): Pod {
  return store.get('pods', 'shop', name) as unknown as Pod;
}

function createSS(name: string, spec: Record<string, unknown>): void {
  store.create(SS, { apiVersion: 'apps.kruise.io/v1beta1', kind: 'SidecarSet', metadata: { name }, spec } as KObject);
}

function updateSS(name: string, fn: (ss: SidecarSet) => void): void {
  store.mutate(SS, undefined, name, (o) => {
    fn(o as unknown as SidecarSet);
  });
}

/** The kubelet, by hand: every container runs its spec image (or fails on `-broken`). */
function run(name: string, opts: { hold?: string[] } = {}): void {
  store.mutate(
    'pods',
    'shop',
    name,
    (o) => {
      const p = o as unknown as Pod;
      const prev = p.status?.containerStatuses ?? [];
      const statuses = p.spec.containers.map((c) => {
        const before = prev.find((s) => s.name === c.name);
        // A held container keeps its old image and imageID: the in-place update has not landed.
        if (before && opts.hold?.includes(c.name)) return before;
        const broken = (c.image ?? '').endsWith('-broken');
        return broken
          ? {
              name: c.name,
              image: c.image ?? '',
              imageID: before?.imageID ?? '',
              ready: false,
              started: false,
              restartCount: 0,
              state: { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${c.image}"` } },
            }
          : {
              name: c.name,
              image: c.image ?? '',
              imageID: imageID(c.image ?? ''),
              ready: true,
              started: true,
              restartCount: 0,
              state: { running: { startedAt: '2025-11-20T08:00:00Z' } },
            };
      });
      const ready = statuses.every((s) => s.ready);
      const others = (p.status?.conditions ?? []).filter((c) => c.type !== 'Ready' && c.type !== 'ContainersReady');
      p.status = {
        ...p.status,
        phase: 'Running',
        containerStatuses: statuses,
        conditions: [
          ...others,
          { type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: '2025-11-20T08:00:30Z' },
          { type: 'ContainersReady', status: ready ? 'True' : 'False', lastTransitionTime: '2025-11-20T08:00:30Z' },
        ],
      };
    },
    { subresource: 'status' },
  );
}

function createPods(n: number, labels: Record<string, string> = { app: 'web' }, prefix = 'web'): string[] {
  const names: string[] = [];
  for (let i = 0; i < n; i++) {
    const name = `${prefix}-${i}`;
    store.create('pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'shop', labels },
      spec: { containers: [{ name: 'app', image: 'docker.io/library/nginx:1.27' }] },
    } as KObject);
    run(name);
    names.push(name);
  }
  return names;
}

async function until(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function revisions(name: string): ControllerRevision[] {
  return (store.list(REV, { namespace: 'kruise-system' }) as unknown as ControllerRevision[])
    .filter((r) => r.metadata.labels?.['kruise.io/sidecarset-name'] === name)
    .sort((a, b) => a.revision - b.revision);
}

const agent = (image: string) => ({ name: 'agent', image });

describe('status and revisions', () => {
  it('writes status and the first revision, with labels, annotations, data and owner', async () => {
    createSS('log', { selector: { matchLabels: { app: 'web' } }, customVersion: 'v1', containers: [agent('busybox:1.35')] });
    createPods(3);
    await until(() => getSS('log').status?.readyPods === 3, 'ready 3');
    const ss = getSS('log');
    const [rev] = revisions('log');
    expect(ss.status).toEqual({
      observedGeneration: 1,
      matchedPods: 3,
      updatedPods: 3,
      readyPods: 3,
      updatedReadyPods: 3,
      latestRevision: rev?.metadata.name,
      collisionCount: 0,
    });
    expect(rev?.metadata.name).toMatch(/^log-[bcdfghjklmnpqrstvwxz2456789]+$/);
    expect(rev?.revision).toBe(1);
    expect(rev?.metadata.labels).toEqual({
      'kruise.io/sidecarset-name': 'log',
      'controller.kubernetes.io/hash': rev?.metadata.name.slice(4),
      'apps.kruise.io/sidecarset-custom-version': 'v1',
    });
    expect(rev?.metadata.annotations?.['kruise.io/sidecarset-hash']).toBe(ss.metadata.annotations?.['kruise.io/sidecarset-hash']);
    expect(rev?.metadata.ownerReferences).toEqual([
      {
        apiVersion: 'apps.kruise.io/v1beta1',
        kind: 'SidecarSet',
        name: 'log',
        uid: ss.metadata.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    // Marshalled from maps (history_control.go, getPatch): keys sorted.
    expect(Object.keys(((rev as ControllerRevision).data as { spec: object }).spec)).toEqual([
      '$patch',
      'containers',
      'imagePullSecrets',
      'initContainers',
      'patchPodMetadata',
      'volumes',
    ]);
    // Pods created after the first status carry the revision; the first ones may not.
    createPods(1, { app: 'web' }, 'late');
    const hash = JSON.parse(getPod('late-0').metadata.annotations?.['kruise.io/sidecarset-hash'] ?? '{}');
    expect(hash.log.controllerRevision).toBe(rev?.metadata.name);
  });

  it('keeps history to the limit, never dropping a revision pods run; a rollback reuses the name with a new number', async () => {
    createSS('log', { selector: { matchLabels: { app: 'web' } }, revisionHistoryLimit: 3, containers: [agent('busybox:1.30')] });
    await until(() => revisions('log').length === 1, 'first revision');
    for (let v = 31; v <= 35; v++) {
      updateSS('log', (s) => {
        s.spec.containers![0]!.image = `busybox:1.${v}`;
      });
      await until(() => getSS('log').status?.observedGeneration === v - 29, `generation ${v - 29}`);
    }
    expect(revisions('log').map((r) => r.revision)).toEqual([4, 5, 6]);
    const third = revisions('log')[0] as ControllerRevision;
    // Back to the spec of revision 4 (busybox:1.33): same name, now number 7; nothing created.
    updateSS('log', (s) => {
      s.spec.containers![0]!.image = 'busybox:1.33';
    });
    await until(() => getSS('log').status?.latestRevision === third.metadata.name, 'rollback');
    expect(revisions('log').map((r) => [r.metadata.name, r.revision])).toEqual([
      [revisions('log')[0]?.metadata.name, 5],
      [revisions('log')[1]?.metadata.name, 6],
      [third.metadata.name, 7],
    ]);
    // A strategy change creates no revision.
    updateSS('log', (s) => {
      s.spec.updateStrategy = { ...s.spec.updateStrategy, paused: true };
    });
    await until(() => getSS('log').status?.observedGeneration === 8, 'generation 8');
    expect(revisions('log').length).toBe(3);
  });

  it('protects a revision that matched pods still run', async () => {
    createSS('log', {
      selector: { matchLabels: { app: 'web' } },
      revisionHistoryLimit: 1,
      updateStrategy: { paused: true },
      containers: [agent('busybox:1.30')],
    });
    await until(() => revisions('log').length === 1, 'first revision');
    const first = revisions('log')[0] as ControllerRevision;
    createPods(1);
    await until(() => getSS('log').status?.matchedPods === 1, 'matched');
    for (const v of [31, 32]) {
      updateSS('log', (s) => {
        s.spec.containers![0]!.image = `busybox:1.${v}`;
      });
      await until(() => revisions('log').some((r) => r.revision === v - 29), `revision ${v - 29}`);
    }
    expect(revisions('log').map((r) => r.metadata.name)).toContain(first.metadata.name);
    expect(revisions('log').length).toBe(2);
  });
});

describe('rolling upgrade', () => {
  it('upgrades in place with the strategy, records the in-place state and the condition', async () => {
    createSS('log', {
      selector: { matchLabels: { app: 'web' } },
      updateStrategy: { maxUnavailable: 2 },
      containers: [agent('busybox:1.35')],
    });
    const pods = createPods(5);
    await until(() => getSS('log').status?.readyPods === 5, 'ready');
    updateSS('log', (s) => {
      s.spec.containers![0]!.image = 'busybox:1.36';
    });
    // First round: two pods get the new image and nothing more happens while they are in flight.
    await until(() => pods.filter((p) => getPod(p).spec.containers[0]?.image === 'busybox:1.36').length === 2, 'first round');
    await new Promise((r) => setTimeout(r, 100));
    const upgraded = pods.filter((p) => getPod(p).spec.containers[0]?.image === 'busybox:1.36');
    expect(upgraded.length).toBe(2);
    // updatedReadyPods is omitempty in Kruise's Go status: absent when 0.
    expect(getSS('log').status).toMatchObject({ matchedPods: 5, updatedPods: 2, readyPods: 3 });
    expect(getSS('log').status?.updatedReadyPods).toBeUndefined();
    const p0 = getPod(upgraded[0] as string);
    const state = JSON.parse(p0.metadata.annotations?.['kruise.io/sidecarset-inplace-update-state'] ?? '{}');
    expect(state.log.lastContainerStatuses).toEqual({ agent: { imageID: imageID('busybox:1.35') } });
    expect(state.log.revision).toBe(getSS('log').metadata.annotations?.['kruise.io/sidecarset-hash']);
    const hash = JSON.parse(p0.metadata.annotations?.['kruise.io/sidecarset-hash'] ?? '{}');
    expect(hash.log.hash).toBe(getSS('log').metadata.annotations?.['kruise.io/sidecarset-hash']);
    expect(hash.log.controllerRevision).toBe(getSS('log').status?.latestRevision);
    expect(p0.status?.conditions?.find((c) => c.type === 'SidecarSetUpgradable')).toMatchObject({
      status: 'True',
      reason: 'AllSidecarsetUpgradable',
      message: '{"log":true}',
    });
    // The kubelet lands them; the next rounds follow until all are done.
    for (let round = 0; round < 5 && getSS('log').status?.updatedReadyPods !== 5; round++) {
      for (const p of pods) if (getPod(p).status?.containerStatuses?.[0]?.image !== getPod(p).spec.containers[0]?.image) run(p);
      await new Promise((r) => setTimeout(r, 80));
    }
    await until(() => getSS('log').status?.updatedReadyPods === 5, 'complete');
    expect(pods.map((p) => getPod(p).spec.containers[0]?.image)).toEqual(Array(5).fill('busybox:1.36'));
  });

  it('NotUpdate only injects, and its status goes stale on pod updates (quirk)', async () => {
    createSS('log', {
      selector: { matchLabels: { app: 'web' } },
      updateStrategy: { type: 'NotUpdate' },
      containers: [agent('busybox:1.35')],
    });
    // Pods created while their status is still Pending: status sees them not ready.
    store.create('pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web-0', namespace: 'shop', labels: { app: 'web' } },
      spec: { containers: [{ name: 'app', image: 'nginx:1' }] },
    } as KObject);
    await until(() => getSS('log').status?.matchedPods === 1, 'matched');
    run('web-0');
    await new Promise((r) => setTimeout(r, 100));
    expect(getSS('log').status?.readyPods).toBe(0);
    updateSS('log', (s) => {
      s.spec.containers![0]!.image = 'busybox:1.36';
    });
    await until(() => getSS('log').status?.observedGeneration === 2, 'generation 2');
    expect(getSS('log').status).toMatchObject({ matchedPods: 1, updatedPods: 0, readyPods: 1 });
    expect(getPod('web-0').spec.containers[0]?.image).toBe('busybox:1.35');
  });

  it('flags not upgradable pods with the condition and a NotUpgradablePods event', async () => {
    createSS('log', { selector: { matchLabels: { app: 'web' } }, containers: [agent('busybox:1.35')] });
    createPods(2);
    await until(() => getSS('log').status?.readyPods === 2, 'ready');
    updateSS('log', (s) => {
      s.spec.containers![0]!.env = [{ name: 'LEVEL', value: 'debug' }];
    });
    await until(() => getPod('web-0').status?.conditions?.some((c) => c.type === 'SidecarSetUpgradable') === true, 'condition');
    expect(getPod('web-0').status?.conditions?.find((c) => c.type === 'SidecarSetUpgradable')).toMatchObject({
      status: 'False',
      reason: 'UpdateImmutableField',
      message: '{"log":false}',
    });
    await until(() => getSS('log').status?.observedGeneration === 2, 'status');
    expect(getSS('log').status).toMatchObject({ matchedPods: 2, updatedPods: 0, readyPods: 2 });
    const events = store
      .list('events', { namespace: 'default' })
      .filter((e) => (e as Record<string, unknown>).reason === 'NotUpgradablePods');
    expect(events.length).toBe(1);
    expect(events[0]).toMatchObject({
      type: 'Normal',
      message: 'SidecarSet in-place update detected 2 not upgradable pod(s) in this round, will skip them.',
      involvedObject: { kind: 'SidecarSet', name: 'log', apiVersion: 'apps.kruise.io/v1beta1' },
      source: { component: 'sidecarset-controller' },
    });
  });
});

describe('hot upgrade', () => {
  it('moves the new image to the idle twin, swaps the working twin, then resets the old one', async () => {
    createSS('mesh', {
      selector: { matchLabels: { app: 'web' } },
      containers: [{ name: 'envoy', image: 'envoy:1.30', upgradeStrategy: { upgradeType: 'HotUpgrade', hotUpgradeEmptyImage: 'empty:1' } }],
    });
    createPods(1);
    await until(() => getSS('mesh').status?.readyPods === 1, 'ready');
    const images = () => getPod('web-0').spec.containers.map((c) => `${c.name}=${c.image}`);
    const ann = () => getPod('web-0').metadata.annotations ?? {};
    expect(images()).toEqual(['envoy-1=envoy:1.30', 'envoy-2=empty:1', 'app=docker.io/library/nginx:1.27']);

    updateSS('mesh', (s) => {
      s.spec.containers![0]!.image = 'envoy:1.31';
    });
    await until(() => ann()['kruise.io/sidecarset-working-hotupgrade-container'] === '{"envoy":"envoy-2"}', 'upgrade');
    // The SidecarSet's resourceVersion as the controller read it (before its own status write).
    const rv = ann()['version.sidecarset.kruise.io/envoy-2'];
    expect(Number(rv)).toBeGreaterThan(1);
    expect(Number(rv)).toBeLessThanOrEqual(Number(getSS('mesh').metadata.resourceVersion));
    expect(images()).toEqual(['envoy-1=envoy:1.30', 'envoy-2=envoy:1.31', 'app=docker.io/library/nginx:1.27']);
    expect(ann()['versionalt.sidecarset.kruise.io/envoy-2']).toBe('1');
    expect(ann()['versionalt.sidecarset.kruise.io/envoy-1']).toBe(rv);
    // The idle twin still runs the old image: not ready for the SidecarSet.
    run('web-0');
    await until(() => getPod('web-0').spec.containers[0]?.image === 'empty:1', 'reset');
    expect(ann()['version.sidecarset.kruise.io/envoy-1']).toBe('0');
    expect(ann()['versionalt.sidecarset.kruise.io/envoy-2']).toBe('0');
    const reset = store
      .list('events', { namespace: 'shop' })
      .find((e) => (e as Record<string, unknown>).reason === 'ResetContainerSucceed');
    expect(reset).toMatchObject({ involvedObject: { kind: 'Pod', name: 'web-0' }, type: 'Normal' });
    run('web-0');
    await until(() => getSS('mesh').status?.updatedReadyPods === 1, 'ready after reset');

    // A failed image goes to envoy-1 (empty); the next good one goes to the same, not-ready twin.
    updateSS('mesh', (s) => {
      s.spec.containers![0]!.image = 'envoy:1.32-broken';
    });
    await until(() => images()[0] === 'envoy-1=envoy:1.32-broken', 'broken upgrade');
    run('web-0');
    await until(() => getSS('mesh').status?.updatedPods === 1 && getSS('mesh').status?.readyPods === 0, 'failing counted');
    updateSS('mesh', (s) => {
      s.spec.containers![0]!.image = 'envoy:1.32';
    });
    await until(() => images()[0] === 'envoy-1=envoy:1.32', 'fixed image into the failing twin');
    expect(ann()['kruise.io/sidecarset-working-hotupgrade-container']).toBe('{"envoy":"envoy-1"}');
    expect(images()[1]).toBe('envoy-2=envoy:1.31');
  });
});
