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
import { KRUISE, type SidecarSet } from '../k8s-types';
import { canaryBaseOf } from '../kruise-pod';
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
import { buildOwnerIndex, controllerOf, workloadKey } from '../workloads';
import { eventObject, indexEvents } from './events';
import { buildPodEntries, createPodEntriesMemo, type PodEntriesMemo, type PodEntry, sameItems } from './pod-entries';
import { type OverviewParts, overviewParts, podDetailView, workloadDetailView, workloadsPage } from './queries';
import { buildSidecarSetEntries, type KeptPlan, type SidecarSetDetailOptions, sidecarSetDetailView } from './sidecarset-summary';
import { buildWorkloadEntries, type KeptWorkloads, sidecarImageUses, workloadFacets } from './workload-rows';

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
 * so a pod object seen before has the same status, sidecars, drift and workload as long as what it
 * depends on is the same: how every SidecarSet selects pods, the namespaces' labels and the
 * workload owners (`context`), and the SidecarSets that injected it with their revisions (each
 * entry's stamps). A SidecarSet whose object and injected pods are all the same has the same plan;
 * an Event object seen before falls in the same group. So a changed pod costs one pod, and a
 * changed SidecarSet (a new image, partition or status) costs the pods it injected, not the fleet.
 */
export interface FleetMemo {
  context?: string;
  pods: PodEntriesMemo;
  plans: Map<string, KeptPlan>;
  /** The workloads' entries (by key, and sorted), each reused while its pod entries are the same. */
  workloads: KeptWorkloads;
  /** Each SidecarSet's page as last computed, reused while what it shows is the same (KeptDetail). */
  details: Map<string, KeptDetail>;
  /** Each Event object's group key, normalized once (it depends on nothing but the Event). */
  events: EventKeysMemo;
}

export function createFleetMemo(): FleetMemo {
  return { pods: createPodEntriesMemo(), plans: new Map(), workloads: { byKey: new Map() }, details: new Map(), events: new WeakMap() };
}

/**
 * A SidecarSet's page (each page of pods asked for) with what it was computed from: its plan and
 * state (kept while its object and pods are the same), its stamp (the object and its revisions),
 * the active pod entries it injected and the Events about them. Under a big fleet's churn most
 * SidecarSets have none of these change between two builds, and open tabs ask for every page again
 * after each build: 50 pages of 3,000 pods took 5 % of a core at 150,000 pods.
 */
interface KeptDetail {
  plan: unknown;
  state: unknown;
  stamp: string;
  injected: readonly PodEntry[];
  events: readonly KubeEvent[];
  groups: EventGroups;
  views: Map<string, Omit<SidecarSetDetailView, 'freshness'>>;
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

/** What of a SidecarSet decides which pods it selects and why it skipped one (drift.ts neverInjectedBy). */
const matchKeys = new WeakMap<SidecarSet, string>();
function matchKey(ss: SidecarSet): string {
  let k = matchKeys.get(ss);
  if (k === undefined) {
    const { selector, namespace, namespaceSelector, injectionStrategy } = ss.spec;
    k = JSON.stringify([
      ss.metadata.name,
      ss.metadata.creationTimestamp,
      selector,
      namespace,
      namespaceSelector,
      injectionStrategy?.paused === true,
      canaryBaseOf(ss),
    ]);
    matchKeys.set(ss, k);
  }
  return k;
}

/** What of a ReplicaSet a pod's workload depends on: its identity and its controller. */
const ownerKeys = new WeakMap<object, string>();
function ownerKey(rs: ClusterSnapshot['replicaSets'][number]): string {
  let k = ownerKeys.get(rs);
  if (k === undefined) {
    const c = controllerOf(rs.metadata.ownerReferences);
    k = `${rs.metadata.namespace}/${rs.metadata.name}/${rs.metadata.uid}>${c ? `${c.apiVersion}/${c.kind}/${c.name}` : ''}`;
    ownerKeys.set(rs, k);
  }
  return k;
}

/** Identifies what every pod's entry depends on besides the pod and its injectors. */
function podContextKey(s: ClusterSnapshot): string {
  return `${s.sidecarSets.map(matchKey).join(',')}|${s.namespaces.map(objectId).join(',')}|${s.replicaSets.map(ownerKey).join(',')}`;
}

/** Per SidecarSet name, a stamp that changes whenever the object or one of its revisions does. */
function injectorStamps(s: ClusterSnapshot): Map<string, string> {
  const revisions = new Map<string, number[]>();
  for (const r of s.revisions) {
    const owner = r.metadata.labels?.[KRUISE.revisionSidecarSetLabel] ?? '';
    const list = revisions.get(owner);
    if (list) list.push(objectId(r));
    else revisions.set(owner, [objectId(r)]);
  }
  const out = new Map<string, string>();
  for (const ss of s.sidecarSets) out.set(ss.metadata.name, `${objectId(ss)}:${revisions.get(ss.metadata.name)?.join('.') ?? ''}`);
  // A revision whose SidecarSet is gone (or unlabelled) can still name a pod's revision.
  const loose = revisions.get('')?.join('.') ?? '';
  if (loose) for (const [name, stamp] of out) out.set(name, `${stamp}~${loose}`);
  return out;
}

/** SidecarSet pages kept per model (each SidecarSet's first pages, as open tabs ask for them). */
const MAX_KEPT_DETAILS = 200;
/** Pages of pods kept per SidecarSet from one build to the next. */
const MAX_KEPT_PAGES = 8;

/**
 * Builds the model; `now` is the clock used for "stuck for N minutes". Pass the same `memo` to
 * successive builds over the same cache to recompute only what changed.
 */
export function buildFleetModel(snapshot: ClusterSnapshot, now: Date, memo: FleetMemo = createFleetMemo()): FleetModel {
  const steps = fleetModelSteps(snapshot, now, memo);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * The same build in steps: it yields every few thousand objects, so a server can build a model of
 * 150,000 pods between requests rather than stop answering for the whole build. Hand-written
 * (generators) because the build must stay a pure function that the tests and the built-in
 * cluster run in one go.
 */
export function* fleetModelSteps(
  snapshot: ClusterSnapshot,
  now: Date,
  memo: FleetMemo = createFleetMemo(),
): Generator<void, FleetModel, void> {
  const ctx: SidecarContext = sidecarContext(snapshot.sidecarSets, snapshot.revisions, snapshot.namespaces);
  const context = podContextKey(snapshot);
  if (memo.context !== context) {
    memo.context = context;
    memo.pods = createPodEntriesMemo();
    memo.plans.clear();
    memo.workloads = { byKey: new Map() };
    memo.details.clear();
  }
  const stamps = injectorStamps(snapshot);
  const pods = yield* buildPodEntries(snapshot, ctx, buildOwnerIndex(snapshot), memo.pods, stamps);
  yield;
  const events = indexEvents(snapshot.events);
  // A pod's events belong to its workload; other objects' events (the SidecarSet's) to none.
  const workloadOfEvent = (ev: KubeEvent) =>
    ev.involvedObject.kind === 'Pod'
      ? pods.get(`${ev.involvedObject.namespace ?? 'default'}/${ev.involvedObject.name}`)?.workload
      : undefined;
  const details = new Map<string, Omit<SidecarSetDetailView, 'freshness'>>();
  const sidecarSets = yield* buildSidecarSetEntries(snapshot.sidecarSets, pods, ctx.namespaceLabels, now, memo.plans);
  const workloads = yield* buildWorkloadEntries(pods, memo.workloads);
  memo.workloads = workloads;
  yield;
  const facets = workloadFacets(workloads.list);
  yield;
  // Every page shows it: computed with the model rather than in the first request after it.
  const overview: OverviewParts = overviewParts(pods.all, sidecarSets, workloads.list);
  let images: SidecarImageUse[] | undefined;

  return {
    overview: (base) => ({ ...base, ...overview }),
    workloads: (query, base) => ({ ...base, ...workloadsPage(workloads.list, facets, query) }),
    workloadDetail(ref, base) {
      const w = workloads.byKey.get(workloadKey(ref));
      return w ? { ...base, ...workloadDetailView(w, events) } : null;
    },
    sidecarSetDetail(name, base, opts = {}) {
      const e = sidecarSets.get(name);
      if (!e) return null;
      // Every open tab of a SidecarSet asks for the same page after each change: computed once per model.
      const key = `${name}\u0000${opts.podsPage ?? ''}\u0000${opts.podsPageSize ?? ''}`;
      let view = details.get(key);
      if (!view) {
        // The SidecarSet's own events and those of the pods it injected.
        const about = events.about(eventObject('SidecarSet', undefined, name), e.injected);
        const stamp = stamps.get(name) ?? '';
        let kept = memo.details.get(name);
        if (
          !kept ||
          kept.plan !== e.plan ||
          kept.state !== e.state ||
          kept.stamp !== stamp ||
          !sameItems(kept.injected, e.injected) ||
          !sameItems(kept.events, about)
        ) {
          const groups = groupEvents(about, { workloadOf: workloadOfEvent, memo: memo.events });
          kept = { plan: e.plan, state: e.state, stamp, injected: e.injected, events: about, groups, views: new Map() };
          memo.details.set(name, kept);
        }
        view = kept.views.get(key);
        if (!view) {
          view = sidecarSetDetailView(e, snapshot.revisions, ctx, kept.groups, opts);
          if (kept.views.size >= MAX_KEPT_PAGES) kept.views.clear();
          kept.views.set(key, view);
        }
        if (details.size >= MAX_KEPT_DETAILS) details.clear();
        details.set(key, view);
      }
      return { ...base, ...view };
    },
    podDetail(namespace, name, base) {
      const e = pods.get(`${namespace}/${name}`);
      return e ? { ...base, ...podDetailView(e, events) } : null;
    },
    sidecarImages: () => {
      images ??= sidecarImageUses(workloads.list);
      return images;
    },
  };
}
