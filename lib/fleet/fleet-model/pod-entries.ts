/**
 * Per pod, everything every view needs, computed once per pod object: its workload, kubectl
 * status, sidecar states, drift, and the SidecarSets that injected it.
 */
import type { ClusterSnapshot } from '../cluster-state';
import { canaryBases, type PodDrift, podDrift } from '../drift';
import type { Pod } from '../k8s-types';
import { injectedList } from '../kruise-pod';
import { podSidecars, type SidecarContext } from '../pod-sidecars';
import { isPodActive, isPodReady } from '../pod-readiness';
import { type PodStatusSummary, podStatus } from '../pod-status';
import type { PodRow, PodSidecarState, WorkloadRef } from '../views';
import { type OwnerIndex, workloadKey, workloadOf } from '../workloads';

export interface PodEntry {
  pod: Pod;
  /** SidecarSets that injected the pod (injected-list plus hash keys). */
  injectors: string[];
  workload: WorkloadRef;
  wkey: string;
  status: PodStatusSummary;
  sidecars: PodSidecarState[];
  drift: PodDrift;
  active: boolean;
  ready: boolean;
}

export interface PodEntries {
  all: PodEntry[];
  /** By `namespace/name`. */
  byKey: Map<string, PodEntry>;
  /** By the name of a SidecarSet that injected them. */
  byInjector: Map<string, PodEntry[]>;
}

export function podKey(p: Pod): string {
  return `${p.metadata.namespace ?? 'default'}/${p.metadata.name}`;
}

/** Entries for every pod; `kept` holds the entries of pod objects seen before under the same context. */
export function buildPodEntries(
  snapshot: ClusterSnapshot,
  ctx: SidecarContext,
  owners: OwnerIndex,
  kept: WeakMap<Pod, PodEntry>,
): PodEntries {
  const canaries = canaryBases(snapshot.sidecarSets);
  const all: PodEntry[] = [];
  const byKey = new Map<string, PodEntry>();
  const byInjector = new Map<string, PodEntry[]>();
  for (const pod of snapshot.pods) {
    let entry = kept.get(pod);
    if (!entry) {
      const workload = workloadOf(pod, owners);
      const sidecars = podSidecars(pod, ctx);
      entry = {
        pod,
        workload,
        wkey: workloadKey(workload),
        status: podStatus(pod),
        sidecars,
        drift: podDrift(pod, sidecars, snapshot.sidecarSets, ctx.namespaceLabels, canaries),
        active: isPodActive(pod),
        ready: isPodReady(pod),
        injectors: [...new Set([...injectedList(pod), ...sidecars.map((x) => x.sidecarSet)])],
      };
      kept.set(pod, entry);
    }
    all.push(entry);
    byKey.set(podKey(pod), entry);
    for (const name of entry.injectors) {
      const list = byInjector.get(name);
      if (list) list.push(entry);
      else byInjector.set(name, [entry]);
    }
  }
  return { all, byKey, byInjector };
}

export function podRow(e: PodEntry): PodRow {
  const row: PodRow = {
    namespace: e.pod.metadata.namespace ?? 'default',
    name: e.pod.metadata.name,
    phase: e.pod.status?.phase ?? 'Unknown',
    status: e.status.status,
    health: e.status.health,
    ready: e.status.ready,
    restarts: e.status.restarts,
    workload: e.workload,
    sidecars: e.sidecars,
  };
  if (e.pod.spec.nodeName) row.node = e.pod.spec.nodeName;
  if (e.pod.metadata.creationTimestamp) row.createdAt = e.pod.metadata.creationTimestamp;
  return row;
}
