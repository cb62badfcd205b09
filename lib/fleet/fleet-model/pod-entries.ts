/**
 * Per pod, everything every view needs, computed once per pod object: its workload, kubectl
 * status, sidecar states, drift, and the SidecarSets that injected it.
 */
import type { ClusterSnapshot } from '../cluster-state';
import { canaryBases, type PodDrift, podDrift } from '../drift';
import type { Pod } from '../k8s-types';
import { injectedList } from '../kruise-pod';
import { podSidecars, type SidecarContext } from '../pod-sidecars';
import { sharedValues } from '../shared-values';
import { isPodActive, isPodReady } from '../pod-readiness';
import { type PodStatusSummary, podStatus } from '../pod-status';
import type { PodRow, PodSidecarState, WorkloadRef } from '../views';
import { type OwnerIndex, workloadKey, workloadOf } from '../workloads';

export interface PodEntry {
  pod: Pod;
  /** `namespace/name`. */
  key: string;
  /** SidecarSets that injected the pod (injected-list plus hash keys). */
  injectors: string[];
  workload: WorkloadRef;
  wkey: string;
  status: PodStatusSummary;
  sidecars: PodSidecarState[];
  drift: PodDrift;
  active: boolean;
  ready: boolean;
  /** The stamps of the injectors when the entry was computed (index.ts injectorStamps). */
  stamps: string[];
}

export interface PodEntries {
  /** In `namespace/name` order. */
  all: PodEntry[];
  /**
   * By `namespace/name`: a binary search of `all`. A Map of 150,000 keys, filled anew for every
   * build, took 80 ms of each (a profile under 100 pod changes a second), for a lookup per pod page.
   */
  get(key: string): PodEntry | undefined;
  /** By the name of a SidecarSet that injected them. */
  byInjector: Map<string, PodEntry[]>;
}

/** How many objects a build step handles before it yields (so a server can answer in between). */
export const STEP = 2_000;

/**
 * Values most pods share, one frozen copy each: a workload's ref and key (its 40 pods would each
 * have their own) and status summaries (most pods are "Running 3/3"). At 150,000 pods that is
 * 300,000 objects and strings fewer. Bounded; it starts over when full.
 */
const workloads = sharedValues<{ workload: WorkloadRef; wkey: string }>(100_000);
const statuses = sharedValues<PodStatusSummary>(100_000);
const sidecarStates = sharedValues<PodSidecarState>(100_000);

function sharedWorkload(ref: WorkloadRef): { workload: WorkloadRef; wkey: string } {
  const wkey = workloadKey(ref);
  return workloads.get(wkey, () => ({ workload: Object.freeze(ref), wkey }));
}

function sharedStatus(s: PodStatusSummary): PodStatusSummary {
  return statuses.get(
    `${s.status}\u0000${s.ready}\u0000${s.readyContainers}\u0000${s.totalContainers}\u0000${s.restarts}\u0000${s.health}`,
    () => s,
  );
}

/** A sidecar's state, shared by the pods where it is the same (most pods of a rollout step). */
function sharedSidecar(s: PodSidecarState): PodSidecarState {
  return sidecarStates.get(JSON.stringify(s), () => s);
}

export function podKey(p: Pod): string {
  return `${p.metadata.namespace ?? 'default'}/${p.metadata.name}`;
}

/**
 * Entries for every pod. `kept` holds the entries of pod objects seen before under the same
 * context; one is reused while each of its injectors has the stamp it had then.
 */
export function* buildPodEntries(
  snapshot: ClusterSnapshot,
  ctx: SidecarContext,
  owners: OwnerIndex,
  kept: WeakMap<Pod, PodEntry>,
  stamps: ReadonlyMap<string, string>,
): Generator<void, PodEntries, void> {
  const canaries = canaryBases(snapshot.sidecarSets);
  const all: PodEntry[] = [];
  let sorted = true;
  let n = 0;
  for (const pod of snapshot.pods) {
    if (++n % STEP === 0) yield;
    let entry = kept.get(pod);
    if (!entry || !sameStamps(entry, stamps)) {
      const { workload, wkey } = sharedWorkload(workloadOf(pod, owners));
      const sidecars = podSidecars(pod, ctx).map(sharedSidecar);
      entry = {
        pod,
        key: podKey(pod),
        workload,
        wkey,
        status: sharedStatus(podStatus(pod)),
        sidecars,
        drift: podDrift(pod, sidecars, snapshot.sidecarSets, ctx.namespaceLabels, canaries),
        active: isPodActive(pod),
        ready: isPodReady(pod),
        injectors: [...new Set([...injectedList(pod), ...sidecars.map((x) => x.sidecarSet)])],
        stamps: [],
      };
      entry.stamps = entry.injectors.map((name) => stamps.get(name) ?? '');
      kept.set(pod, entry);
    }
    if (sorted && all.length > 0 && (all[all.length - 1] as PodEntry).key > entry.key) sorted = false;
    all.push(entry);
  }
  // In key order, so that get() can search it and every SidecarSet's pods reach the planner
  // already sorted (the API server lists in key order; only pods created since are out of place,
  // which the sort takes in a pass).
  if (!sorted) {
    yield;
    all.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
  const byInjector = new Map<string, PodEntry[]>();
  for (const entry of all) {
    for (const name of entry.injectors) {
      const list = byInjector.get(name);
      if (list) list.push(entry);
      else byInjector.set(name, [entry]);
    }
  }
  const get = (key: string): PodEntry | undefined => {
    let lo = 0;
    let hi = all.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const e = all[mid] as PodEntry;
      if (e.key === key) return e;
      if (e.key < key) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  };
  return { all, get, byInjector };
}

/** The same items in the same order (entries and objects are replaced, never changed, so identity says it). */
export function sameItems(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameStamps(e: PodEntry, stamps: ReadonlyMap<string, string>): boolean {
  for (let i = 0; i < e.injectors.length; i++) if (e.stamps[i] !== (stamps.get(e.injectors[i] as string) ?? '')) return false;
  return true;
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
