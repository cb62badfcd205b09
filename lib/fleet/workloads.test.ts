import { describe, expect, it } from 'vitest';
import { fleetSnapshot, podNamed } from './fleet-fixture.test-support';
import statusPods from './fixtures/status-pods.json';
import type { Pod } from './k8s-types';
import { buildOwnerIndex, controllerOf, workloadKey, workloadOf } from './workloads';

describe('workloadOf', () => {
  it('walks every fixture pod to its workload by ownerReference', () => {
    const snap = fleetSnapshot();
    const index = buildOwnerIndex(snap);
    const got = Object.fromEntries(snap.pods.map((p) => [p.metadata.name, workloadKey(workloadOf(p, index))]));
    expect(got).toEqual({
      // Pod → ReplicaSet (in the snapshot) → Deployment
      'web-6d8f7c9b5-a4kzq': 'Deployment/shop/web',
      'web-6d8f7c9b5-b7m2x': 'Deployment/shop/web',
      'web-6d8f7c9b5-c9p4t': 'Deployment/shop/web',
      'api-0': 'StatefulSet/payments/api',
      'api-1': 'StatefulSet/payments/api',
      // Kruise CloneSet owns pods directly
      'cart-7xk2p': 'CloneSet/shop/cart',
      'cart-9m4rd': 'CloneSet/shop/cart',
      'cart-b2vq8': 'CloneSet/shop/cart',
      'node-agent-4xk9z': 'DaemonSet/monitoring/node-agent',
      'node-agent-8fj2m': 'DaemonSet/monitoring/node-agent',
      // apps.kruise.io StatefulSet is the Advanced StatefulSet
      'ledger-0': 'AdvancedStatefulSet/payments/ledger',
      // Job named <cronjob>-<minutes since epoch> belongs to the CronJob
      'report-29412345-h7d2k': 'CronJob/batch/report',
      // no owner: a bare pod is its own workload
      'debug-shell': 'Pod/shop/debug-shell',
      // ReplicaSet not in the snapshot: the Deployment is read from the pod-template-hash suffix
      'legacy-worker-5c7d9f8b6-qq2lw': 'Deployment/shop/legacy-worker',
    });
  });

  it('keeps a ReplicaSet without an owner, and a Job that no CronJob made', () => {
    const snap = fleetSnapshot();
    const pod = podNamed(snap, 'web-6d8f7c9b5-a4kzq');
    const rs = snap.replicaSets[0];
    if (!rs) throw new Error('fixture has a ReplicaSet');
    const orphanRs = { ...rs, metadata: { ...rs.metadata, ownerReferences: undefined } };
    expect(workloadOf(pod, buildOwnerIndex({ replicaSets: [orphanRs] }))).toEqual({
      kind: 'ReplicaSet',
      namespace: 'shop',
      name: 'web-6d8f7c9b5',
    });

    // Without the ReplicaSet and without a matching pod-template-hash there is nothing to infer from.
    const noHash: Pod = { ...pod, metadata: { ...pod.metadata, labels: { app: 'web' } } };
    expect(workloadOf(noHash, buildOwnerIndex({ replicaSets: [] }))).toEqual({
      kind: 'ReplicaSet',
      namespace: 'shop',
      name: 'web-6d8f7c9b5',
    });

    const job: Pod = {
      ...pod,
      metadata: {
        ...pod.metadata,
        ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: 'db-migrate', uid: 'j1', controller: true }],
      },
    };
    expect(workloadOf(job, buildOwnerIndex({ replicaSets: [] }))).toEqual({ kind: 'Job', namespace: 'shop', name: 'db-migrate' });
  });

  it('treats a static (mirror) pod owned by its Node as a bare pod, and picks the controller reference', () => {
    const pods = statusPods.items as unknown as Pod[];
    const base = pods[0] as Pod;
    const mirror: Pod = {
      ...base,
      metadata: {
        ...base.metadata,
        name: 'kube-apiserver-sim-node-1',
        namespace: 'kube-system',
        ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'sim-node-1', uid: 'n1', controller: true }],
      },
    };
    expect(workloadOf(mirror, buildOwnerIndex({ replicaSets: [] }))).toEqual({
      kind: 'Pod',
      namespace: 'kube-system',
      name: 'kube-apiserver-sim-node-1',
    });
    expect(
      controllerOf([
        { apiVersion: 'v1', kind: 'ConfigMap', name: 'a', uid: '1' },
        { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'b', uid: '2', controller: true },
      ]),
    ).toEqual({ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'b', uid: '2', controller: true });
  });

  it('groups the status fixtures (no pod-template-hash label, no ReplicaSets listed); an Advanced DaemonSet keeps its own kind', () => {
    const pods = statusPods.items as unknown as Pod[];
    const index = buildOwnerIndex({ replicaSets: [] });
    const kinds = new Set(pods.map((p) => workloadKey(workloadOf(p, index))));
    expect([...kinds].sort()).toEqual([
      'CronJob/batch/report',
      'ReplicaSet/payments/ledger-5f8d9c7b6',
      'ReplicaSet/shop/checkout-6c9f7b8d4',
      'StatefulSet/shop/orders',
    ]);
    const base = pods[0] as Pod;
    const ads: Pod = {
      ...base,
      metadata: {
        ...base.metadata,
        ownerReferences: [{ apiVersion: 'apps.kruise.io/v1alpha1', kind: 'DaemonSet', name: 'log', uid: 'd', controller: true }],
      },
    };
    expect(workloadOf(ads, index)).toEqual({ kind: 'AdvancedDaemonSet', namespace: 'shop', name: 'log' });
  });
});
