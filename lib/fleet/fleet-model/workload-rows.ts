/**
 * Per workload: one row over its pods (readiness, health, drift, sidecar versions), the facets
 * over all rows, and the filter and sort orders the workloads grid asks for.
 */
import type { Facet, HealthClass, SidecarImageUse, SidecarVersionCount, WorkloadQuery, WorkloadRow, WorkloadSortKey } from '../views';
import { type PodEntries, type PodEntry, STEP, sameItems } from './pod-entries';

export interface WorkloadEntry {
  row: WorkloadRow;
  pods: PodEntry[];
  sidecarSets: Set<string>;
  images: Set<string>;
  /** Lower-cased text the search box matches. */
  search: string;
  /** Pods with a sidecar (for the fleet's totals, summed over workloads rather than pods). */
  injectedPods: number;
}

export interface WorkloadFacets {
  namespaces: Facet[];
  sidecarSets: Facet[];
  versions: Facet[];
}

export const HEALTH_RANK: Record<HealthClass, number> = { failing: 0, unknown: 1, progressing: 2, healthy: 3, completed: 4 };

export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function worstHealth(a: HealthClass, b: HealthClass): HealthClass {
  return HEALTH_RANK[a] <= HEALTH_RANK[b] ? a : b;
}

function emptyEntry(p: PodEntry, pods: PodEntry[]): WorkloadEntry {
  return {
    row: {
      ...p.workload,
      pods: 0,
      readyPods: 0,
      health: 'completed',
      sidecars: {},
      drift: { outdated: 0, notUpgradable: 0, neverInjected: 0, orphaned: 0 },
      failingPods: 0,
      inFlightPods: 0,
    },
    pods,
    sidecarSets: new Set(),
    images: new Set(),
    search: '',
    injectedPods: 0,
  };
}

function addPod(w: WorkloadEntry, p: PodEntry): void {
  const row = w.row;
  row.pods++;
  if (p.sidecars.length) w.injectedPods++;
  if (p.ready) row.readyPods++;
  row.health = worstHealth(row.health, p.status.health);
  if (p.status.health === 'failing') row.failingPods = (row.failingPods ?? 0) + 1;
  if (p.drift.outdated.length) row.drift.outdated++;
  if (p.drift.notUpgradable.length) row.drift.notUpgradable++;
  if (p.drift.neverInjected.length) {
    row.drift.neverInjected++;
    for (const n of p.drift.neverInjected) {
      w.sidecarSets.add(n.sidecarSet);
      // A new array only for a name not yet there (most pods of a workload name the same ones).
      if (!row.neverInjectedBy?.includes(n.sidecarSet)) row.neverInjectedBy = [...(row.neverInjectedBy ?? []), n.sidecarSet].sort();
    }
  }
  if (p.drift.orphaned.length) row.drift.orphaned++;
  // Version counts only for pods that still run: a completed Job pod keeps whatever it had.
  if (!p.active) return;
  let inFlight = false;
  for (const s of p.sidecars) {
    w.sidecarSets.add(s.sidecarSet);
    w.images.add(s.specImage);
    if (s.inFlight) inFlight = true;
    let key = s.container;
    const existing = row.sidecars[key];
    if (existing && existing.sidecarSet !== s.sidecarSet) key = `${s.sidecarSet}/${s.container}`;
    let cell = row.sidecars[key];
    if (!cell) {
      cell = { sidecarSet: s.sidecarSet, versions: [], outdated: 0, notUpgradable: 0 };
      row.sidecars[key] = cell;
    }
    let v: SidecarVersionCount | undefined = cell.versions.find((x) => x.image === s.specImage);
    if (!v) {
      v = { image: s.specImage, pods: 0, ready: 0, restarts: 0, failing: 0, updated: 0 };
      cell.versions.push(v);
    }
    v.pods++;
    if (s.ready) v.ready++;
    v.restarts += s.restarts;
    if (s.failed) v.failing++;
    if (s.updated) v.updated++;
    if (!s.orphaned && !s.updated) {
      cell.outdated++;
      if (!s.upgradable) cell.notUpgradable++;
    }
  }
  if (inFlight) row.inFlightPods = (row.inFlightPods ?? 0) + 1;
}

/** A workload's entry over its pods' entries (in the order given). */
function workloadEntry(pods: PodEntry[]): WorkloadEntry {
  const w = emptyEntry(pods[0] as PodEntry, pods);
  for (const p of pods) addPod(w, p);
  for (const cell of Object.values(w.row.sidecars)) {
    // Most pods first, then the image name: the current version usually leads.
    cell.versions.sort((a, b) => b.pods - a.pods || cmp(a.image, b.image));
  }
  w.search = [`${w.row.namespace}/${w.row.name}`, w.row.kind, ...Object.keys(w.row.sidecars), ...w.images, ...w.sidecarSets]
    .join('\n')
    .toLowerCase();
  return w;
}

/** The workloads' entries by key and sorted, and the pod entries (PodEntries.all) they were built from. */
export interface KeptWorkloads {
  byKey: ReadonlyMap<string, WorkloadEntry>;
  list?: readonly WorkloadEntry[];
  from?: readonly PodEntry[];
}

/** The order of the workloads list: namespace, name, kind. */
function compareWorkloads(a: WorkloadEntry, b: WorkloadEntry): number {
  return cmp(a.row.namespace, b.row.namespace) || cmp(a.row.name, b.row.name) || cmp(a.row.kind, b.row.kind);
}

/**
 * One entry per workload, sorted by namespace, name and kind; also by workload key. `kept` holds
 * the last build's entries: one whose pod entries are all the same objects is reused (under 100
 * pod changes a second, a build at 150,000 pods recomputed 7,500 workloads for the 100 or so that
 * changed, 55 MB of garbage a build). When the pods only had entries replaced
 * (PodEntries.replaced), only their workloads are computed again, and the rest is not walked.
 */
export function* buildWorkloadEntries(
  pods: Pick<PodEntries, 'all' | 'replaced' | 'base'>,
  kept: KeptWorkloads = { byKey: new Map() },
): Generator<void, Required<KeptWorkloads>, void> {
  // Only over the pods it was built from (a build given up halfway leaves it a build behind).
  if (pods.replaced && kept.list && kept.from === pods.base) {
    const patched = replacedIn(kept.list, kept.byKey, pods.replaced);
    if (patched) return { ...patched, from: pods.all };
  }
  const podsOf = new Map<string, PodEntry[]>();
  let n = 0;
  for (const p of pods.all) {
    if (++n % STEP === 0) yield;
    const list = podsOf.get(p.wkey);
    if (list) list.push(p);
    else podsOf.set(p.wkey, [p]);
  }
  const byKey = new Map<string, WorkloadEntry>();
  const list: WorkloadEntry[] = [];
  n = 0;
  for (const [wkey, entries] of podsOf) {
    n += entries.length;
    if (n >= STEP) {
      n = 0;
      yield;
    }
    const k = kept.byKey.get(wkey);
    const w = k && sameItems(k.pods, entries) ? k : workloadEntry(entries);
    byKey.set(wkey, w);
    list.push(w);
  }
  list.sort(compareWorkloads);
  return { list, byKey, from: pods.all };
}

/** The last build's workloads with the pods' replaced entries swapped in (each keeps its workload); undefined if one is not found. */
function replacedIn(
  last: readonly WorkloadEntry[],
  byKey: ReadonlyMap<string, WorkloadEntry>,
  replaced: ReadonlyArray<readonly [PodEntry, PodEntry]>,
): { list: WorkloadEntry[]; byKey: Map<string, WorkloadEntry> } | undefined {
  const podsOf = new Map<string, PodEntry[]>();
  for (const [was, now] of replaced) {
    let pods = podsOf.get(was.wkey);
    if (!pods) {
      const w = byKey.get(was.wkey);
      if (!w) return undefined;
      pods = w.pods.slice();
      podsOf.set(was.wkey, pods);
    }
    const i = pods.indexOf(was);
    if (i < 0) return undefined;
    pods[i] = now;
  }
  const list = last.slice();
  const next = new Map(byKey);
  for (const [wkey, pods] of podsOf) {
    const old = byKey.get(wkey) as WorkloadEntry;
    const w = workloadEntry(pods);
    next.set(wkey, w);
    // The same workload: the same place in the sorted list.
    let found = -1;
    let lo = 0;
    let hi = list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const c = compareWorkloads(list[mid] as WorkloadEntry, old);
      if (c === 0) {
        found = mid;
        break;
      }
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    if (list[found] !== old) found = list.indexOf(old);
    if (found < 0) return undefined;
    list[found] = w;
  }
  return { list, byKey: next };
}

/**
 * Every sidecar image the running pods have, per SidecarSet and container, with the workloads
 * and pod counts behind it (sorted by SidecarSet, container, image; workloads by namespace/name).
 */
export function sidecarImageUses(workloads: readonly WorkloadEntry[]): SidecarImageUse[] {
  const byKey = new Map<string, SidecarImageUse>();
  for (const w of workloads) {
    const { kind, namespace, name } = w.row;
    for (const [key, cell] of Object.entries(w.row.sidecars)) {
      // A container name taken by two SidecarSets in one workload is keyed `<sidecarSet>/<container>`.
      const container = cell.sidecarSet && key.startsWith(`${cell.sidecarSet}/`) ? key.slice(cell.sidecarSet.length + 1) : key;
      for (const v of cell.versions) {
        const k = `${cell.sidecarSet ?? ''}\n${container}\n${v.image}`;
        let use = byKey.get(k);
        if (!use) {
          use = { container, image: v.image, pods: 0, workloads: [] };
          if (cell.sidecarSet) use.sidecarSet = cell.sidecarSet;
          byKey.set(k, use);
        }
        use.pods += v.pods;
        use.workloads.push({ kind, namespace, name, pods: v.pods });
      }
    }
  }
  return [...byKey.values()].sort(
    (a, b) => cmp(a.sidecarSet ?? '', b.sidecarSet ?? '') || cmp(a.container, b.container) || cmp(a.image, b.image),
  );
}

/** Facets over every workload: how many workloads per namespace, SidecarSet and image. */
export function workloadFacets(workloads: readonly WorkloadEntry[]): WorkloadFacets {
  const facet = (counts: Map<string, number>): Facet[] =>
    [...counts].map(([value, count]) => ({ value, count })).sort((a, b) => cmp(a.value, b.value));
  const nsCounts = new Map<string, number>();
  const ssCounts = new Map<string, number>();
  const imgCounts = new Map<string, number>();
  for (const w of workloads) {
    nsCounts.set(w.row.namespace, (nsCounts.get(w.row.namespace) ?? 0) + 1);
    for (const s of w.sidecarSets) ssCounts.set(s, (ssCounts.get(s) ?? 0) + 1);
    for (const i of w.images) if (i) imgCounts.set(i, (imgCounts.get(i) ?? 0) + 1);
  }
  return { namespaces: facet(nsCounts), sidecarSets: facet(ssCounts), versions: facet(imgCounts) };
}

/** Does the workload pass the grid's filters? `needle` is the lower-cased search text. */
export function matchesQuery(w: WorkloadEntry, q: WorkloadQuery, needle: string): boolean {
  const r = w.row;
  if (q.namespace && r.namespace !== q.namespace) return false;
  if (q.sidecarSet && !w.sidecarSets.has(q.sidecarSet)) return false;
  if (q.version && !w.images.has(q.version)) return false;
  if (needle && !w.search.includes(needle)) return false;
  switch (q.state) {
    case undefined:
      return true;
    case 'healthy':
    case 'progressing':
    case 'failing':
      return r.health === q.state;
    case 'outdated':
      return r.drift.outdated > 0;
    case 'not-upgradable':
      return r.drift.notUpgradable > 0;
    case 'never-injected':
      return r.drift.neverInjected > 0;
    case 'orphaned':
      return r.drift.orphaned > 0;
    case 'drift':
      return r.drift.outdated + r.drift.notUpgradable + r.drift.neverInjected + r.drift.orphaned > 0;
    default:
      return true;
  }
}

export function sorter(key: WorkloadSortKey): (a: WorkloadEntry, b: WorkloadEntry) => number {
  switch (key) {
    case 'namespace':
      return (a, b) => cmp(a.row.namespace, b.row.namespace);
    case 'kind':
      return (a, b) => cmp(a.row.kind, b.row.kind);
    case 'pods':
      return (a, b) => a.row.pods - b.row.pods;
    case 'ready':
      return (a, b) => a.row.readyPods / Math.max(a.row.pods, 1) - b.row.readyPods / Math.max(b.row.pods, 1);
    case 'outdated':
      return (a, b) => a.row.drift.outdated - b.row.drift.outdated;
    case 'health':
      return (a, b) => HEALTH_RANK[a.row.health] - HEALTH_RANK[b.row.health];
    default:
      return (a, b) => cmp(a.row.name, b.row.name);
  }
}
