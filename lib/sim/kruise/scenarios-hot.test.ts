/**
 * Hot upgrade over HTTPS on the built-in cluster (pkg/controller/sidecarset/sidecarset_hotupgrade.go, pkg/webhook/pod/mutating/sidecarset_hotupgrade.go): twins at injection, the new image
 * into the idle twin, the reset of the old one, and a failed image followed by a good one.
 */
import { describe, expect } from 'vitest';
import type { Pod } from '@/lib/fleet/k8s-types';
import {
  containerImage,
  createDeployment,
  createSidecarSet,
  jsonPatch,
  listEvents,
  listPods,
  observeThePods,
  observeTheSidecarSet,
  kruiseScenarios,
  waitFor,
  waitForRunning,
  waitForStatus,
} from './scenario-support';

const scenario = kruiseScenarios();

const EMPTY = 'openkruise/hotupgrade-sample:empty';
const NS = 'hot';

function twins(p: Pod): string[] {
  return p.spec.containers.filter((c) => c.name.startsWith('mosn-')).map((c) => `${c.name}=${c.image}`);
}

function working(p: Pod): string | undefined {
  return JSON.parse(p.metadata.annotations?.['kruise.io/sidecarset-working-hotupgrade-container'] ?? '{}').mosn;
}

const setImage = (image: string) => [{ op: 'replace', path: '/spec/containers/0/image', value: image }];

describe('hot upgrade', () => {
  scenario('injects twins, upgrades into the idle twin, resets the old one, and survives a failed image', async (k) => {
    await createSidecarSet(k, 'mosn', {
      selector: { matchLabels: { mesh: 'mosn' } },
      updateStrategy: { maxUnavailable: 1 },
      containers: [
        {
          name: 'mosn',
          image: 'docker.io/mosnio/mosn:v1.5.0',
          upgradeStrategy: { upgradeType: 'HotUpgrade', hotUpgradeEmptyImage: EMPTY },
        },
      ],
    });
    await createDeployment(k, NS, 'gateway', 2, { mesh: 'mosn' });
    const pods = await waitForRunning(k, NS, 'mesh=mosn', 2);
    await waitForStatus(k, 'mosn', { matchedPods: 2, updatedPods: 2, readyPods: 2, updatedReadyPods: 2 });
    observeThePods(k, 'mosn pods injected', pods);
    await observeTheSidecarSet(k, 'mosn injected', 'mosn');
    for (const p of pods) {
      expect(p.spec.containers.map((c) => c.name)).toEqual(['mosn-1', 'mosn-2', 'app']);
      expect(twins(p)).toEqual(['mosn-1=docker.io/mosnio/mosn:v1.5.0', `mosn-2=${EMPTY}`]);
      expect(working(p)).toBe('mosn-1');
      const ann = p.metadata.annotations ?? {};
      expect([ann['version.sidecarset.kruise.io/mosn-1'], ann['version.sidecarset.kruise.io/mosn-2']]).toEqual(['1', '0']);
      expect([ann['versionalt.sidecarset.kruise.io/mosn-1'], ann['versionalt.sidecarset.kruise.io/mosn-2']]).toEqual(['0', '1']);
      expect(p.spec.containers[0]?.env?.map((e) => e.name)).toEqual(['IS_INJECTED', 'SIDECARSET_VERSION', 'SIDECARSET_VERSION_ALT']);
    }

    // Upgrade: the new image goes into the empty twin, which becomes the working one; later the old
    // twin is reset to the empty image. The working twin alternates -1 → -2.
    await jsonPatch(k, 'mosn', setImage('docker.io/mosnio/mosn:v1.6.0'));
    await waitForStatus(k, 'mosn', { matchedPods: 2, updatedPods: 2, readyPods: 2, updatedReadyPods: 2 }, 20_000);
    const upgraded = await listPods(k, NS, 'mesh=mosn');
    observeThePods(k, 'mosn pods upgraded to v1.6.0', upgraded);
    for (const p of upgraded) {
      expect(twins(p)).toEqual([`mosn-1=${EMPTY}`, 'mosn-2=docker.io/mosnio/mosn:v1.6.0']);
      expect(working(p)).toBe('mosn-2');
      const ann = p.metadata.annotations ?? {};
      expect(ann['version.sidecarset.kruise.io/mosn-1']).toBe('0');
      expect(ann['versionalt.sidecarset.kruise.io/mosn-2']).toBe('0');
      // The new working twin gets the SidecarSet's resourceVersion, and the old one records it as its alt.
      expect(Number(ann['version.sidecarset.kruise.io/mosn-2'])).toBeGreaterThan(1);
      expect(ann['versionalt.sidecarset.kruise.io/mosn-1']).toBe(ann['version.sidecarset.kruise.io/mosn-2']);
      const events = await listEvents(k, NS, p.metadata.name);
      expect(events.some((e) => e.reason === 'ResetContainerSucceed' && e.type === 'Normal')).toBe(true);
    }

    // A failed image: it goes into the empty twin of one pod (maxUnavailable 1) and stays there.
    await jsonPatch(k, 'mosn', setImage('docker.io/mosnio/mosn:v1.7.0-broken'));
    const broken = await waitFor('one pod failing on the new twin', async () => {
      const list = await listPods(k, NS, 'mesh=mosn');
      const bad = list.filter((p) =>
        p.status?.containerStatuses?.some(
          (c) => c.name === 'mosn-1' && /ErrImagePull|ImagePullBackOff/.test(c.state?.waiting?.reason ?? ''),
        ),
      );
      return bad.length === 1 ? (bad[0] as Pod) : undefined;
    });
    expect(twins(broken)).toEqual(['mosn-1=docker.io/mosnio/mosn:v1.7.0-broken', 'mosn-2=docker.io/mosnio/mosn:v1.6.0']);
    expect(working(broken)).toBe('mosn-1');
    // Updated but not ready (its idle twin is not the empty image), and it holds the budget.
    await waitForStatus(k, 'mosn', { matchedPods: 2, updatedPods: 1, readyPods: 1, updatedReadyPods: 0 });
    await new Promise((r) => setTimeout(r, 500));
    const other = (await listPods(k, NS, 'mesh=mosn')).find((p) => p.metadata.name !== broken.metadata.name) as Pod;
    expect(containerImage(other, 'mosn-1')).toBe(EMPTY);

    // The next good image goes into the same, failing twin, and the rollout completes.
    await jsonPatch(k, 'mosn', setImage('docker.io/mosnio/mosn:v1.7.0'));
    await waitForStatus(k, 'mosn', { matchedPods: 2, updatedPods: 2, readyPods: 2, updatedReadyPods: 2 }, 20_000);
    const done = await listPods(k, NS, 'mesh=mosn');
    observeThePods(k, 'mosn pods on v1.7.0', done);
    const fixed = done.find((p) => p.metadata.name === broken.metadata.name) as Pod;
    expect(twins(fixed)).toEqual(['mosn-1=docker.io/mosnio/mosn:v1.7.0', `mosn-2=${EMPTY}`]);
    expect(working(fixed)).toBe('mosn-1');
    const rest = done.find((p) => p.metadata.name !== broken.metadata.name) as Pod;
    expect(twins(rest)).toEqual(['mosn-1=docker.io/mosnio/mosn:v1.7.0', `mosn-2=${EMPTY}`]);
  });
});
