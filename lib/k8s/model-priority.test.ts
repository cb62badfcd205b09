/**
 * A person's change does not wait behind the churn (lib/k8s/fleet.ts, ResourceDef.priority in
 * lib/k8s/cache.ts): on a reader that otherwise rebuilds once a minute, a SidecarSet made or
 * edited is in the next model at once (built as soon as the cache hears of it, before any request),
 * a new pod is not, and the controller's status writes do not count as edits. It rests on the API server moving `generation` for spec changes only, so it runs
 * on both clusters (SIDECAR_FLEET_TEST_CLUSTER=real: kube-apiserver and real kruise-manager).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OverviewView } from '@/lib/fleet/views';
import { type ClusterHandle, startClusterOf, TEST_CLUSTER } from '@/lib/test-support/clusters';
import { eventually as poll } from '@/lib/test-support/poll';
import { createFleetClient, type FleetClient } from './config';
import { createFleetReader, sessionFor } from './fleet';
import { requestJson } from './http';

let cluster: ClusterHandle;
let admin: FleetClient;

async function api(method: 'POST' | 'PATCH', p: string, body: unknown, contentType?: string): Promise<void> {
  const r = await requestJson(admin, { method, path: p, body, contentType });
  if (!r.ok) throw new Error(`${method} ${p}: ${r.error.code} ${r.error.message}`);
}

function eventually<T>(what: string, fn: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  return poll(what, fn, ok, { timeoutMs: 20_000 * cluster.slowness, intervalMs: 100 });
}

const imageOf = (o: OverviewView, name: string) => o.sidecarSets.find((s) => s.name === name)?.containers[0]?.image;

beforeAll(async () => {
  cluster = await startClusterOf(TEST_CLUSTER);
  admin = createFleetClient({ kubeconfigPath: cluster.kubeconfigPath });
  await api('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
});

afterAll(async () => {
  await cluster?.stop();
});

describe(`a person's change first (${TEST_CLUSTER} cluster)`, () => {
  it('a SidecarSet made or edited is built at once; the churn of pods waits its turn', async () => {
    // Rebuilt at most once a minute, except for the changes a person makes.
    const frozen = createFleetReader(sessionFor(admin), { privateCache: true, minRebuildMs: 60_000 });
    try {
      await frozen.getOverview();
      // Selects no pod: its changes are the only ones it causes.
      await api('POST', '/apis/apps.kruise.io/v1beta1/sidecarsets', {
        apiVersion: 'apps.kruise.io/v1beta1',
        kind: 'SidecarSet',
        metadata: { name: 'edited-ss' },
        spec: { selector: { matchLabels: { app: 'nothing' } }, containers: [{ name: 'agent', image: 'docker.io/library/busybox:1.36' }] },
      });
      await eventually(
        'the cache to hold edited-ss',
        async () => frozen.cache.snapshot().sidecarSets.some((s) => s.metadata.name === 'edited-ss'),
        (has) => has,
      );
      expect(imageOf(await frozen.getOverview(), 'edited-ss')).toBe('docker.io/library/busybox:1.36');

      const pods = frozen.cache.snapshot().pods.length;
      await api('POST', '/api/v1/namespaces/shop/pods', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'churn', namespace: 'shop', labels: { app: 'other' } },
        spec: { containers: [{ name: 'main', image: 'registry.example.com/shop/other:1.0' }] },
      });
      const podArrived = await eventually(
        'the cache to hold the new pod',
        async () => ({ revision: frozen.cache.revision, pods: frozen.cache.snapshot().pods.length }),
        (c) => c.pods === pods + 1,
      );
      expect((await frozen.getFleetPulse()).revision).toBeLessThan(podArrived.revision);
      expect((await frozen.getOverview()).totals.pods).toBe(pods);

      // From here on nothing asks the reader for a view until the edit is built: the cache tells it.
      let builds = 0;
      const off = frozen.onBuilt(() => builds++);
      await api(
        'PATCH',
        '/apis/apps.kruise.io/v1beta1/sidecarsets/edited-ss',
        [{ op: 'replace', path: '/spec/containers/0/image', value: 'docker.io/library/busybox:1.37' }],
        'application/json-patch+json',
      );
      await eventually(
        'the cache to hold the new image',
        async () => ({
          revision: frozen.cache.revision,
          image: frozen.cache.snapshot().sidecarSets.find((s) => s.metadata.name === 'edited-ss')?.spec.containers?.[0]?.image,
        }),
        (c) => c.image === 'docker.io/library/busybox:1.37',
      );
      await eventually(
        'a model built without a request',
        async () => builds,
        (n) => n > 0,
      );
      off();
      const priority = frozen.cache.priorityRevision;
      const after = await frozen.getOverview();
      expect(imageOf(after, 'edited-ss')).toBe('docker.io/library/busybox:1.37');
      // The pod that waited comes with it: a build takes everything the cache has.
      expect(after.totals.pods).toBe(pods + 1);
      // The pulse says so: the views' revision is past the pod's (built from the edit's event, at
      // once, so not necessarily from every later status write).
      expect((await frozen.getFleetPulse()).revision).toBeGreaterThan(podArrived.revision);
      // Kruise's status write that follows (observedGeneration) is the controller's churn, not a person's change.
      await eventually(
        "Kruise's status for the edit",
        async () => frozen.cache.snapshot().sidecarSets.find((s) => s.metadata.name === 'edited-ss'),
        (ss) => ss?.status?.observedGeneration === ss?.metadata.generation,
      );
      expect(frozen.cache.priorityRevision).toBe(priority);
    } finally {
      frozen.stop();
    }
  });
});
