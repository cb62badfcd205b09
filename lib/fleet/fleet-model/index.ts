/**
 * Aggregation of a cluster snapshot into the dashboard's views. Pure: the door (lib/k8s/fleet.ts)
 * builds one FleetModel per cache revision and answers every request from it, so the per-pod work
 * (status, sidecar states, drift, workload) is done once per change, not once per request, and a
 * request only filters, sorts and pages precomputed rows.
 *
 * The parts: pod-entries.ts (per pod), sidecarset-summary.ts (per SidecarSet, and its page),
 * workload-rows.ts (per workload, facets, filters), queries.ts (the other views), events.ts.
 */
import type { ClusterSnapshot, KubeEvent } from '../cluster-state';
import { type EventKeysMemo, groupEvents } from '../event-groups';
import type { Pod } from '../k8s-types';
import { type SidecarContext, sidecarContext } from '../pod-sidecars';
import type {
  EventGroups,
  OverviewView,
  SidecarImageUse,
  PodDetailView,
  SidecarSetDetailView,
  WorkloadDetailView,
  WorkloadQuery,
  WorkloadRef,
  WorkloadsView,
} from '../views';
import { buildOwnerIndex, workloadKey } from '../workloads';
import { indexEvents } from './events';
import { buildPodEntries, type PodEntry } from './pod-entries';
import { type OverviewParts, overviewParts, podDetailView, workloadDetailView, workloadsPage } from './queries';
import {
  buildSidecarSetEntries,
  type KeptPlan,
  type SidecarSetDetailOptions,
  sidecarSetDetailView,
  sidecarSetEventKeys,
} from './sidecarset-summary';
import { buildWorkloadEntries, sidecarImageUses, workloadFacets } from './workload-rows';

export type { PodEntry } from './pod-entries';
export { DEFAULT_PAGE_SIZE } from './queries';
export {
  MAX_PAGE_SIZE,
  SIDECARSET_PODS_PAGE_SIZE,
  type SidecarSetDetailOptions,
  summarizeContainers,
  summarizeStrategy,
} from './sidecarset-summary';

export type ViewBase = Pick<OverviewView, 'freshness'>;

export interface FleetModel {
  overview(base: Omit<OverviewView, 'totals' | 'sidecarSets' | 'attention'>): OverviewView;
  workloads(query: WorkloadQuery, base: ViewBase): WorkloadsView;
  workloadDetail(ref: WorkloadRef, base: ViewBase): WorkloadDetailView | null;
  sidecarSetDetail(name: string, base: ViewBase, opts?: SidecarSetDetailOptions): SidecarSetDetailView | null;
  podDetail(namespace: string, name: string, base: ViewBase): PodDetailView | null;
  /** Every sidecar image the running pods have, with its workloads (for the cross-cluster search). */
  sidecarImages(): SidecarImageUse[];
}

/**
 * Per-object results kept from one build to the next. The cache replaces an object when it changes,
 * so a pod object seen before (under the same SidecarSets, revisions, namespaces and ReplicaSets)
 * has the same status, sidecars, drift and workload; a SidecarSet whose object and injected pods
 * are all the same has the same plan; and an Event object seen before falls in the same group. At 10,000 pods a change to a few pods then costs a few pods.
 */
export interface FleetMemo {
  context?: string;
  pods: WeakMap<Pod, PodEntry>;
  plans: Map<string, KeptPlan>;
  /** Each Event object's group key, normalized once (it depends on nothing but the Event). */
  events: EventKeysMemo;
}

export function createFleetMemo(): FleetMemo {
  return { pods: new WeakMap(), plans: new Map(), events: new WeakMap() };
}

const objectIds = new WeakMap<object, number>();
let nextObjectId = 1;
function objectId(o: object): number {
  let id = objectIds.get(o);
  if (id === undefined) {
    id = nextObjectId++;
    objectIds.set(o, id);
  }
  return id;
}

/** Identifies everything a pod's entry depends on besides the pod itself. */
function contextKey(s: ClusterSnapshot): string {
  const ids = (list: readonly object[]) => list.map(objectId).join(',');
  return `${ids(s.sidecarSets)}|${ids(s.revisions)}|${ids(s.namespaces)}|${ids(s.replicaSets)}`;
}

/**
 * Builds the model; `now` is the clock used for "stuck for N minutes". Pass the same `memo` to
 * successive builds over the same cache to recompute only what changed.
 */
export function buildFleetModel(snapshot: ClusterSnapshot, now: Date, memo: FleetMemo = createFleetMemo()): FleetModel {
  const ctx: SidecarContext = sidecarContext(snapshot.sidecarSets, snapshot.revisions, snapshot.namespaces);
  const context = contextKey(snapshot);
  if (memo.context !== context) {
    memo.context = context;
    memo.pods = new WeakMap();
    memo.plans.clear();
  }
  const pods = buildPodEntries(snapshot, ctx, buildOwnerIndex(snapshot), memo.pods);
  const events = indexEvents(snapshot.events);
  // A pod's events belong to its workload; other objects' events (the SidecarSet's) to none.
  const workloadOfEvent = (ev: KubeEvent) =>
    ev.involvedObject.kind === 'Pod'
      ? pods.byKey.get(`${ev.involvedObject.namespace ?? 'default'}/${ev.involvedObject.name}`)?.workload
      : undefined;
  // Grouped once per model (per cache revision), not once per request or page of pods.
  const eventGroups = new Map<string, EventGroups>();
  const sidecarSets = buildSidecarSetEntries(snapshot.sidecarSets, pods.all, pods.byInjector, ctx.namespaceLabels, now, memo.plans);
  const workloads = buildWorkloadEntries(pods.all);
  const facets = workloadFacets(workloads.list);
  let overview: OverviewParts | undefined;
  let images: SidecarImageUse[] | undefined;

  return {
    overview: (base) => {
      overview ??= overviewParts(pods.all, sidecarSets, workloads.list);
      return { ...base, ...overview };
    },
    workloads: (query, base) => ({ ...base, ...workloadsPage(workloads.list, facets, query) }),
    workloadDetail(ref, base) {
      const w = workloads.byKey.get(workloadKey(ref));
      return w ? { ...base, ...workloadDetailView(w, events) } : null;
    },
    sidecarSetDetail(name, base, opts = {}) {
      const e = sidecarSets.get(name);
      if (!e) return null;
      let groups = eventGroups.get(name);
      if (!groups) {
        groups = groupEvents(events.about(sidecarSetEventKeys(e)), { workloadOf: workloadOfEvent, memo: memo.events });
        eventGroups.set(name, groups);
      }
      return { ...base, ...sidecarSetDetailView(e, snapshot.revisions, ctx, groups, opts) };
    },
    podDetail(namespace, name, base) {
      const e = pods.byKey.get(`${namespace}/${name}`);
      return e ? { ...base, ...podDetailView(e, events) } : null;
    },
    sidecarImages: () => {
      images ??= sidecarImageUses(workloads.list);
      return images;
    },
  };
}
