/**
 * A synthetic fleet at scale, shaped like the cache keeps it (trimmed pods): `pods` pods in
 * workloads of 20 over 50 namespaces, `sidecarSets` SidecarSets, three sidecars per pod, most pods
 * updated, some outdated, some failing a new image. For measuring aggregation, not for exact values.
 */
import type { ClusterSnapshot, WorkloadObject } from './cluster-state';
import type { ControllerRevision, Namespace, Pod, SidecarSet } from './k8s-types';

export function scaleSnapshot(podCount = 10_000, sidecarSetCount = 50): ClusterSnapshot {
  const ts = '2026-11-19T08:00:00Z';
  const sidecarSets: SidecarSet[] = [];
  const revisions: ControllerRevision[] = [];
  for (let s = 0; s < sidecarSetCount; s++) {
    const name = `ss-${String(s).padStart(2, '0')}`;
    sidecarSets.push({
      metadata: {
        name,
        resourceVersion: String(100 + s),
        generation: 2,
        creationTimestamp: '2026-11-18T08:00:00Z',
        annotations: { 'kruise.io/sidecarset-hash': `${name}-new`, 'kruise.io/sidecarset-hash-without-image': `${name}-wi` },
      },
      spec: {
        selector: { matchLabels: { [`sidecar.fleet/${name}`]: 'on' } },
        containers: [{ name: `agent-${s}`, image: `registry.example.com/agents/agent-${s}:2.0` }],
        updateStrategy: { type: 'RollingUpdate', maxUnavailable: s % 3 === 0 ? '10%' : 5, partition: s % 5 === 0 ? '50%' : 0 },
      },
      status: { observedGeneration: 2, matchedPods: 0, updatedPods: 0, readyPods: 0, latestRevision: `${name}-new-rev` },
    });
    for (const [rev, image] of [
      [1, '1.0'],
      [2, '2.0'],
    ] as const) {
      revisions.push({
        metadata: {
          name: rev === 2 ? `${name}-new-rev` : `${name}-old-rev`,
          namespace: 'kruise-system',
          labels: { 'kruise.io/sidecarset-name': name },
        },
        data: { spec: { containers: [{ name: `agent-${s}`, image: `registry.example.com/agents/agent-${s}:${image}` }] } },
        revision: rev,
      });
    }
  }
  const namespaces: Namespace[] = Array.from({ length: 50 }, (_, i) => ({
    metadata: { name: `team-${i}`, labels: { 'kubernetes.io/metadata.name': `team-${i}` } },
  }));
  const replicaSets: WorkloadObject[] = [];
  const pods: Pod[] = [];
  const workloads = Math.ceil(podCount / 20);
  for (let w = 0; w < workloads; w++) {
    const ns = `team-${w % 50}`;
    const rsName = `app-${w}-7d9f8c6b5`;
    replicaSets.push({
      kind: 'ReplicaSet',
      metadata: {
        name: rsName,
        namespace: ns,
        uid: `rs-${w}`,
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: `app-${w}`, uid: `d-${w}`, controller: true }],
      },
    });
    const sets = [w % sidecarSetCount, (w * 7 + 3) % sidecarSetCount, (w * 13 + 5) % sidecarSetCount].filter(
      (v, i, a) => a.indexOf(v) === i,
    );
    for (let i = 0; i < 20 && pods.length < podCount; i++) {
      const n = pods.length;
      const state = n % 20 === 0 ? 'failing' : n % 7 === 0 ? 'old' : 'new';
      const labels: Record<string, string> = { app: `app-${w}`, 'pod-template-hash': '7d9f8c6b5' };
      const hash: Record<string, unknown> = {};
      const wi: Record<string, unknown> = {};
      const containers: Pod['spec']['containers'] = [];
      const statuses: NonNullable<Pod['status']>['containerStatuses'] = [];
      for (const s of sets) {
        const name = `ss-${String(s).padStart(2, '0')}`;
        labels[`sidecar.fleet/${name}`] = 'on';
        const updated = state !== 'old';
        hash[name] = {
          updateTimestamp: ts,
          hash: updated ? `${name}-new` : `${name}-old`,
          sidecarSetName: name,
          sidecarList: [`agent-${s}`],
          controllerRevision: updated ? `${name}-new-rev` : `${name}-old-rev`,
        };
        wi[name] = { updateTimestamp: ts, hash: `${name}-wi`, sidecarSetName: name, sidecarList: [`agent-${s}`] };
        const image = `registry.example.com/agents/agent-${s}:${updated ? '2.0' : '1.0'}`;
        containers.push({ name: `agent-${s}`, image });
        const failing = state === 'failing' && s === sets[0];
        statuses.push({
          name: `agent-${s}`,
          image,
          imageID: `${image.split(':')[0]}@sha256:${updated ? 'b'.repeat(64) : 'a'.repeat(64)}`,
          ready: !failing,
          restartCount: 0,
          state: failing ? { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image' } } : { running: { startedAt: ts } },
        });
      }
      containers.push({ name: 'app', image: `registry.example.com/apps/app-${w}:1.0` });
      statuses.push({
        name: 'app',
        image: `registry.example.com/apps/app-${w}:1.0`,
        imageID: 'x@sha256:c',
        ready: true,
        restartCount: 0,
        state: { running: { startedAt: ts } },
      });
      const ready = state !== 'failing';
      pods.push({
        metadata: {
          name: `app-${w}-7d9f8c6b5-${String(i).padStart(5, 'x')}`,
          namespace: ns,
          uid: `pod-${n}`,
          creationTimestamp: ts,
          labels,
          // Frozen, as lib/k8s/trim.ts keeps them in the cache.
          annotations: Object.freeze({
            'kruise.io/sidecarset-injected-list': Object.keys(hash).sort().join(','),
            'kruise.io/sidecarset-hash': JSON.stringify(hash),
            'kruise.io/sidecarset-hash-without-image': JSON.stringify(wi),
          }) as Record<string, string>,
          ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rsName, uid: `rs-${w}`, controller: true }],
        },
        spec: { containers, nodeName: `node-${n % 100}` },
        status: {
          phase: 'Running',
          conditions: [
            { type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: ts },
            { type: 'ContainersReady', status: ready ? 'True' : 'False', lastTransitionTime: ts },
          ],
          containerStatuses: statuses,
        },
      });
    }
  }
  return { pods, sidecarSets, namespaces, replicaSets, deployments: [], statefulSets: [], daemonSets: [], revisions, events: [] };
}
