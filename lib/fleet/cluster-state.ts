/**
 * What the domain aggregates over: plain, already-trimmed objects from the shared watch cache
 * (lib/k8s/cache.ts), or JSON fixtures in tests. No I/O here.
 */
import type { ControllerRevision, Namespace, ObjectMeta, Pod, SidecarSet } from './k8s-types';

/** A ReplicaSet, Deployment, StatefulSet or DaemonSet, trimmed to what ownership needs. */
export interface WorkloadObject {
  kind: string;
  metadata: ObjectMeta;
  replicas?: number;
}

/** A core/v1 Event (or events.k8s.io/v1, mapped onto the same shape). */
export interface KubeEvent {
  metadata: { name: string; namespace?: string; uid?: string };
  type: string;
  reason: string;
  message: string;
  involvedObject: { kind: string; namespace?: string; name: string; uid?: string };
  count: number;
  /** When it first happened (firstTimestamp, or eventTime for events.k8s.io events). */
  firstTimestamp?: string;
  lastTimestamp?: string;
  source?: string;
}

export interface ClusterSnapshot {
  pods: readonly Pod[];
  sidecarSets: readonly SidecarSet[];
  namespaces: readonly Namespace[];
  replicaSets: readonly WorkloadObject[];
  deployments: readonly WorkloadObject[];
  statefulSets: readonly WorkloadObject[];
  daemonSets: readonly WorkloadObject[];
  /** SidecarSet ControllerRevisions from the Kruise namespace. */
  revisions: readonly ControllerRevision[];
  events: readonly KubeEvent[];
}
