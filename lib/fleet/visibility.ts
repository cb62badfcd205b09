/**
 * What one person may see of a cluster snapshot. The dashboard keeps one shared watch cache per
 * cluster (its own read identity); every answer to a signed-in person is cut down to what their
 * own RBAC lets them list, so a person without access to a namespace never sees its pods, events
 * or workloads. Pure: the access reviews that decide a Visibility live in lib/k8s.
 */
import type { ClusterSnapshot, KubeEvent } from './cluster-state';

/** Namespaces a kind of object may be listed in: every one, or these. */
export type Scope = 'all' | ReadonlySet<string>;

export interface Visibility {
  pods: Scope;
  events: Scope;
  /** Deployments, ReplicaSets, StatefulSets, DaemonSets (apps). */
  workloads: Scope;
  /** May list SidecarSets (cluster-scoped). */
  sidecarSets: boolean;
  /** May list the SidecarSet ControllerRevisions in the Kruise namespace. */
  revisions: boolean;
  /** May list Namespace objects; without it only namespaces holding something visible are named. */
  namespaces: boolean;
  /** Stable identity of this visibility, for memoising what is built from it. */
  key: string;
}

export const SEE_EVERYTHING: Visibility = {
  pods: 'all',
  events: 'all',
  workloads: 'all',
  sidecarSets: true,
  revisions: true,
  namespaces: true,
  key: 'all',
};

export function inScope(scope: Scope, namespace: string | undefined): boolean {
  if (scope === 'all') return true;
  return namespace !== undefined && scope.has(namespace);
}

function scopeKey(s: Scope): string {
  return s === 'all' ? '*' : [...s].sort().join(',');
}

export function visibility(v: Omit<Visibility, 'key'>): Visibility {
  const seesAll = v.pods === 'all' && v.events === 'all' && v.workloads === 'all' && v.sidecarSets && v.revisions && v.namespaces;
  if (seesAll) return SEE_EVERYTHING;
  const key = [scopeKey(v.pods), scopeKey(v.events), scopeKey(v.workloads), v.sidecarSets, v.revisions, v.namespaces].join('|');
  return { ...v, key };
}

/** An Event is visible with the object it is about: SidecarSet events with SidecarSets, the rest by namespace. */
function eventVisible(e: KubeEvent, v: Visibility): boolean {
  if (e.involvedObject.kind === 'SidecarSet') return v.sidecarSets && inScope(v.events, e.metadata.namespace);
  return inScope(v.events, e.metadata.namespace ?? e.involvedObject.namespace);
}

/** The snapshot as `v` may see it. */
export function visibleSnapshot(s: ClusterSnapshot, v: Visibility): ClusterSnapshot {
  if (v.key === SEE_EVERYTHING.key) return s;
  const pods = v.pods === 'all' ? s.pods : s.pods.filter((p) => inScope(v.pods, p.metadata.namespace));
  const wl = <T extends { metadata: { namespace?: string } }>(list: readonly T[]) =>
    v.workloads === 'all' ? list : list.filter((o) => inScope(v.workloads, o.metadata.namespace));
  const shown = new Set<string>();
  for (const p of pods) if (p.metadata.namespace) shown.add(p.metadata.namespace);
  return {
    pods,
    sidecarSets: v.sidecarSets ? s.sidecarSets : [],
    namespaces: v.namespaces ? s.namespaces : s.namespaces.filter((n) => shown.has(n.metadata.name)),
    replicaSets: wl(s.replicaSets),
    deployments: wl(s.deployments),
    statefulSets: wl(s.statefulSets),
    daemonSets: wl(s.daemonSets),
    revisions: v.revisions && v.sidecarSets ? s.revisions : [],
    events: s.events.filter((e) => eventVisible(e, v)),
  };
}
