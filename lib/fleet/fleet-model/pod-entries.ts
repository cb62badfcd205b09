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
  /** By the name of a SidecarSet that injected them, in `namespace/name` order. */
  byInjector: Map<string, PodEntry[]>;
  /** The pods of the same lists, at the same index (what the planner takes). */
  podsByInjector: Map<string, Pod[]>;
  /**
   * What changed since the last build, when it is only pods replaced by newer objects of the same
   * name, workload and injectors (the churn of a running fleet: status and label updates): each
   * old entry with its new one. Undefined when anything else may have changed.
   */
  replaced?: ReadonlyArray<readonly [PodEntry, PodEntry]>;
  /** The last build's `all`, which `replaced` is relative to. */
  base?: readonly PodEntry[];
}

/**
 * What buildPodEntries keeps from one build to the next: the entries of pod objects seen before
 * under the same context, and the last build's pods (the cache's order), their entries at the
 * same index, the injectors' stamps they were checked against and what was built from them.
 */
export interface PodEntriesMemo {
  kept: WeakMap<Pod, PodEntry>;
  last?: { pods: readonly Pod[]; entries: PodEntry[]; stamps: ReadonlyMap<string, string>; result: PodEntries };
}

export function createPodEntriesMemo(): PodEntriesMemo {
  return { kept: new WeakMap() };
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

function podEntry(
  pod: Pod,
  snapshot: ClusterSnapshot,
  ctx: SidecarContext,
  owners: OwnerIndex,
  stamps: ReadonlyMap<string, string>,
  canaries: ReturnType<typeof canaryBases>,
): PodEntry {
  const { workload, wkey } = sharedWorkload(workloadOf(pod, owners));
  const sidecars = podSidecars(pod, ctx).map(sharedSidecar);
  const injectors = [...new Set([...injectedList(pod), ...sidecars.map((x) => x.sidecarSet)])];
  return {
    pod,
    key: podKey(pod),
    workload,
    wkey,
    status: sharedStatus(podStatus(pod)),
    sidecars,
    drift: podDrift(pod, sidecars, snapshot.sidecarSets, ctx.namespaceLabels, canaries),
    active: isPodActive(pod),
    ready: isPodReady(pod),
    injectors,
    stamps: injectors.map((name) => stamps.get(name) ?? ''),
  };
}

/**
 * Entries for every pod. An entry is reused while its pod object is the same and each of its
 * injectors has the stamp it had then (a pod whose injector changed is made again in place).
 * Under a running fleet's churn the cache's pods come in the same order as for the last build
 * with a few objects replaced: a pod at the same place as then
 * takes its entry from there (no lookup by object, which at 150,000 pods was a third of a build's
 * time: the entries are all over the heap), and the sorted list and the lists per injector are the
 * last build's with the replaced entries swapped in.
 */
export function* buildPodEntries(
  snapshot: ClusterSnapshot,
  ctx: SidecarContext,
  owners: OwnerIndex,
  memo: PodEntriesMemo,
  stamps: ReadonlyMap<string, string>,
): Generator<void, PodEntries, void> {
  const canaries = canaryBases(snapshot.sidecarSets);
  const last = memo.last;
  // The injectors whose stamp changed since the last build (its entries were checked against its
  // stamps): only the entries of the pods they injected need checking again. A SidecarSet's status
  // changes at each step of a rollout, and its 6,000 pods are then made again, not 150,000.
  const stale = new Set<string>();
  if (last) {
    for (const [name, stamp] of stamps) if (last.stamps.get(name) !== stamp) stale.add(name);
    for (const name of last.stamps.keys()) if (!stamps.has(name)) stale.add(name);
  }
  const entries: PodEntry[] = [];
  const replaced: Array<readonly [PodEntry, PodEntry]> = [];
  let aligned = last !== undefined;
  let j = 0;
  let n = 0;
  /** Whether `now` takes the place of `was` in every list (same pod name, workload and injectors). */
  const inPlace = (was: PodEntry | undefined, now: PodEntry) =>
    was !== undefined && was.key === now.key && was.wkey === now.wkey && sameItems(was.injectors, now.injectors);
  for (const pod of snapshot.pods) {
    if (++n % STEP === 0) yield;
    if (aligned && (last as NonNullable<typeof last>).pods[j] === pod) {
      let entry = (last as NonNullable<typeof last>).entries[j] as PodEntry;
      if (stale.size > 0 && entry.injectors.some((name) => stale.has(name)) && !sameStamps(entry, stamps)) {
        const now = podEntry(pod, snapshot, ctx, owners, stamps, canaries);
        memo.kept.set(pod, now);
        if (inPlace(entry, now)) replaced.push([entry, now]);
        else aligned = false;
        entry = now;
      }
      entries.push(entry);
      j++;
      continue;
    }
    let entry = memo.kept.get(pod);
    if (!entry || !sameStamps(entry, stamps)) {
      entry = podEntry(pod, snapshot, ctx, owners, stamps, canaries);
      memo.kept.set(pod, entry);
    }
    if (aligned) {
      const was = (last as NonNullable<typeof last>).entries[j];
      if (inPlace(was, entry)) {
        replaced.push([was as PodEntry, entry]);
        j++;
      } else aligned = false;
    }
    entries.push(entry);
  }
  if (last && aligned && j !== last.pods.length) aligned = false;
  let result: PodEntries;
  if (last && aligned) {
    const base = last.result.all;
    const lists = replaced.length === 0 ? last.result : swapped(last.result, replaced);
    result = lists ? { ...lists, replaced, base } : indexed(entries);
  } else {
    yield;
    result = indexed(entries);
  }
  memo.last = { pods: snapshot.pods, entries, stamps, result };
  return result;
}

/** The sorted list and the lists per injector of `entries` (in the cache's order). */
function indexed(entries: PodEntry[]): PodEntries {
  // In key order, so that get() can search it and every SidecarSet's pods reach the planner
  // already sorted (the API server lists in key order; only pods created since are out of place,
  // which the sort takes in a pass).
  let sorted = true;
  for (let i = 1; i < entries.length && sorted; i++) sorted = (entries[i - 1] as PodEntry).key <= (entries[i] as PodEntry).key;
  const all = sorted ? entries : [...entries].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const byInjector = new Map<string, PodEntry[]>();
  const podsByInjector = new Map<string, Pod[]>();
  for (const entry of all) {
    for (const name of entry.injectors) {
      const list = byInjector.get(name);
      if (list) {
        list.push(entry);
        (podsByInjector.get(name) as Pod[]).push(entry.pod);
      } else {
        byInjector.set(name, [entry]);
        podsByInjector.set(name, [entry.pod]);
      }
    }
  }
  return { all, get: (key) => all[indexOfKey(all, key)], byInjector, podsByInjector };
}

/**
 * `last` with each old entry replaced by its new one (same key and injectors), copying only the
 * lists that change; undefined if an old entry is not where it should be (then the caller makes
 * every list anew rather than trust them).
 */
function swapped(last: PodEntries, replaced: ReadonlyArray<readonly [PodEntry, PodEntry]>): PodEntries | undefined {
  const all = last.all.slice();
  const byInjector = new Map(last.byInjector);
  const podsByInjector = new Map(last.podsByInjector);
  const copied = new Set<string>();
  for (const [was, now] of replaced) {
    const at = indexOfKey(all, was.key);
    if (all[at] !== was) return undefined;
    all[at] = now;
    for (const name of now.injectors) {
      let list = byInjector.get(name) as PodEntry[];
      let pods = podsByInjector.get(name) as Pod[];
      if (!copied.has(name)) {
        copied.add(name);
        list = list.slice();
        pods = pods.slice();
        byInjector.set(name, list);
        podsByInjector.set(name, pods);
      }
      const i = indexOfKey(list, was.key);
      if (list[i] !== was) return undefined;
      list[i] = now;
      pods[i] = now.pod;
    }
  }
  return { all, get: (key) => all[indexOfKey(all, key)], byInjector, podsByInjector };
}

/** The index of `key` in entries sorted by key (binary search), or -1. */
function indexOfKey(sorted: readonly PodEntry[], key: string): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const k = (sorted[mid] as PodEntry).key;
    if (k === key) return mid;
    if (k < key) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** The same items in the same order (entries and objects are replaced, never changed, so identity says it). */
export function sameItems(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a === b) return true;
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
