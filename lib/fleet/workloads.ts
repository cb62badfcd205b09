/**
 * The workload a pod belongs to, by ownerReference: Pod → ReplicaSet → Deployment, StatefulSet,
 * DaemonSet, Kruise CloneSet / Advanced StatefulSet / Advanced DaemonSet, Job → CronJob, and bare
 * pods as their own workload.
 */
import type { ClusterSnapshot, WorkloadObject } from './cluster-state';
import type { OwnerReference, Pod } from './k8s-types';
import type { WorkloadRef } from './views';

export interface OwnerIndex {
  /** ReplicaSets by uid and by namespace/name (an RS can be re-created with the same name). */
  replicaSetsByUid: Map<string, WorkloadObject>;
  replicaSetsByName: Map<string, WorkloadObject>;
}

export function buildOwnerIndex(snapshot: Pick<ClusterSnapshot, 'replicaSets'>): OwnerIndex {
  const replicaSetsByUid = new Map<string, WorkloadObject>();
  const replicaSetsByName = new Map<string, WorkloadObject>();
  for (const rs of snapshot.replicaSets) {
    if (rs.metadata.uid) replicaSetsByUid.set(rs.metadata.uid, rs);
    replicaSetsByName.set(`${rs.metadata.namespace ?? ''}/${rs.metadata.name}`, rs);
  }
  return { replicaSetsByUid, replicaSetsByName };
}

/** The owner that manages the object: the `controller: true` reference, else the first one. */
export function controllerOf(refs: readonly OwnerReference[] | undefined): OwnerReference | undefined {
  if (!refs || refs.length === 0) return undefined;
  return refs.find((r) => r.controller) ?? refs[0];
}

function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** Kruise kinds that share a name with a built-in kind get their own name in the UI and in URLs. */
function kindOf(ref: OwnerReference): string {
  const group = groupOf(ref.apiVersion);
  if (group === 'apps.kruise.io') {
    if (ref.kind === 'StatefulSet') return 'AdvancedStatefulSet';
    if (ref.kind === 'DaemonSet') return 'AdvancedDaemonSet';
  }
  return ref.kind;
}

// A CronJob names its Jobs `<cronjob>-<scheduled time in minutes since the epoch>`.
const CRONJOB_JOB_NAME = /^(.+)-(\d{8,})$/;

export function workloadOf(pod: Pod, index: OwnerIndex): WorkloadRef {
  const namespace = pod.metadata.namespace ?? 'default';
  const owner = controllerOf(pod.metadata.ownerReferences);
  // No owner, or a static pod mirrored from a node's manifest: the pod is its own workload.
  if (!owner || owner.kind === 'Node') return { kind: 'Pod', namespace, name: pod.metadata.name };

  if (owner.kind === 'ReplicaSet' && groupOf(owner.apiVersion) === 'apps') {
    const rs = index.replicaSetsByUid.get(owner.uid) ?? index.replicaSetsByName.get(`${namespace}/${owner.name}`);
    if (rs) {
      const rsOwner = controllerOf(rs.metadata.ownerReferences);
      if (rsOwner) return { kind: kindOf(rsOwner), namespace, name: rsOwner.name };
      return { kind: 'ReplicaSet', namespace, name: owner.name };
    }
    // The ReplicaSet is not known (not listed yet, or not readable): a Deployment names its
    // ReplicaSets `<deployment>-<pod-template-hash>` and stamps that hash on the pods.
    const hash = pod.metadata.labels?.['pod-template-hash'];
    if (hash && owner.name.endsWith(`-${hash}`)) {
      return { kind: 'Deployment', namespace, name: owner.name.slice(0, -(hash.length + 1)) };
    }
    return { kind: 'ReplicaSet', namespace, name: owner.name };
  }

  if (owner.kind === 'Job' && groupOf(owner.apiVersion) === 'batch') {
    const m = CRONJOB_JOB_NAME.exec(owner.name);
    if (m) return { kind: 'CronJob', namespace, name: m[1] as string };
    return { kind: 'Job', namespace, name: owner.name };
  }

  return { kind: kindOf(owner), namespace, name: owner.name };
}

export function workloadKey(ref: WorkloadRef): string {
  return `${ref.kind}/${ref.namespace}/${ref.name}`;
}
