/**
 * Aggregation of a cluster snapshot into the dashboard's views. Pure: the door (lib/k8s/fleet.ts)
 * builds one FleetModel per cache revision and answers every request from it, so the per-pod work
 * (status, sidecar states, drift, workload) is done once per change, not once per request, and a
 * request only filters, sorts and pages precomputed rows.
 */
import type { ClusterSnapshot, KubeEvent } from './cluster-state';
import { canaryBases, type PodDrift, podDrift } from './drift';
import type { ControllerRevision, Pod, SidecarSet } from './k8s-types';
import { KRUISE } from './k8s-types';
import { injectedList, isUpdated } from './kruise-pod';
import { isPodActive, isPodReady } from './pod-readiness';
import { formatSelector } from './label-selector';
import { podSidecars, type SidecarContext, sidecarContext } from './pod-sidecars';
import { type PodStatusSummary, podStatus } from './pod-status';
import { planRollout, type RolloutPlan } from './rollout-planner';
import { rolloutState } from './rollout-state';
import type {
  AttentionItem,
  EventRow,
  Facet,
  FleetTotals,
  HealthClass,
  OverviewView,
  PodDetailView,
  PodGroup,
  PodRow,
  PodSidecarState,
  RevisionRow,
  RolloutExplanation,
  RolloutState,
  SidecarContainerSummary,
  SidecarSetDetailView,
  SidecarSetSpecView,
  SidecarSetSummary,
  SidecarVersionCount,
  StrategySummary,
  WorkloadDetailView,
  WorkloadQuery,
  WorkloadRef,
  WorkloadRow,
  WorkloadSortKey,
  WorkloadsView,
} from './views';
import { buildOwnerIndex, workloadKey, workloadOf } from './workloads';

export type ViewBase = Pick<OverviewView, 'freshness'>;

export interface SidecarSetDetailOptions {
  /** 1-based page of pods shown in every revision group. */
  podsPage?: number;
  podsPageSize?: number;
}

export interface FleetModel {
  overview(base: Omit<OverviewView, 'totals' | 'sidecarSets' | 'attention'>): OverviewView;
  workloads(query: WorkloadQuery, base: ViewBase): WorkloadsView;
  workloadDetail(ref: WorkloadRef, base: ViewBase): WorkloadDetailView | null;
  sidecarSetDetail(name: string, base: ViewBase, opts?: SidecarSetDetailOptions): SidecarSetDetailView | null;
  podDetail(namespace: string, name: string, base: ViewBase): PodDetailView | null;
}

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

interface SidecarSetEntry {
  ss: SidecarSet;
  plan: RolloutPlan;
  state: RolloutState;
  summary: SidecarSetSummary;
  /** Active pods the SidecarSet injected (matched or not). */
  injected: PodEntry[];
  neverInjected: number;
}

interface WorkloadEntry {
  row: WorkloadRow;
  pods: PodEntry[];
  sidecarSets: Set<string>;
  images: Set<string>;
  search: string;
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;
export const SIDECARSET_PODS_PAGE_SIZE = 100;
const MAX_EVENTS = 100;
const MAX_ATTENTION = 100;
const MAX_NEXT_ROUND_NAMES = 50;

const HEALTH_RANK: Record<HealthClass, number> = { failing: 0, unknown: 1, progressing: 2, healthy: 3, completed: 4 };
const SEVERITY_RANK: Record<AttentionItem['severity'], number> = { critical: 0, warning: 1, info: 2 };

function podKey(p: Pod): string {
  return `${p.metadata.namespace ?? 'default'}/${p.metadata.name}`;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function worstHealth(a: HealthClass, b: HealthClass): HealthClass {
  return HEALTH_RANK[a] <= HEALTH_RANK[b] ? a : b;
}

export function summarizeStrategy(ss: SidecarSet): StrategySummary {
  const u = ss.spec.updateStrategy ?? {};
  const out: StrategySummary = {
    type: u.type ?? 'RollingUpdate',
    paused: u.paused === true,
    partition: u.partition ?? 0,
    maxUnavailable: u.maxUnavailable ?? 1,
    injectionPaused: ss.spec.injectionStrategy?.paused === true,
  };
  if (u.selector) out.selector = formatSelector(u.selector);
  return out;
}

export function summarizeContainers(ss: SidecarSet): SidecarContainerSummary[] {
  const out: SidecarContainerSummary[] = [];
  for (const c of ss.spec.containers ?? []) {
    out.push({
      name: c.name,
      image: c.image ?? '',
      upgradeType: c.upgradeStrategy?.upgradeType === 'HotUpgrade' ? 'HotUpgrade' : 'ColdUpgrade',
      init: false,
    });
  }
  for (const c of ss.spec.initContainers ?? []) {
    out.push({ name: c.name, image: c.image ?? '', upgradeType: 'ColdUpgrade', init: true });
  }
  return out;
}

function eventRow(e: KubeEvent): EventRow {
  const row: EventRow = {
    type: e.type,
    reason: e.reason,
    message: e.message,
    involved: { kind: e.involvedObject.kind, name: e.involvedObject.name },
    count: e.count,
  };
  if (e.involvedObject.namespace) row.involved.namespace = e.involvedObject.namespace;
  if (e.lastTimestamp) row.lastTimestamp = e.lastTimestamp;
  if (e.source) row.source = e.source;
  return row;
}

function newestFirst(a: KubeEvent, b: KubeEvent): number {
  return cmp(b.lastTimestamp ?? '', a.lastTimestamp ?? '') || cmp(a.metadata.name, b.metadata.name);
}

function revisionImages(r: ControllerRevision): Record<string, string> {
  const out: Record<string, string> = {};
  const spec = (r.data as { spec?: { containers?: Array<{ name?: string; image?: string }> } } | undefined)?.spec;
  for (const c of spec?.containers ?? []) if (c?.name) out[c.name] = c.image ?? '';
  return out;
}

/**
 * Per-object results kept from one build to the next. The cache replaces an object when it changes,
 * so a pod object seen before (under the same SidecarSets, revisions, namespaces and ReplicaSets)
 * has the same status, sidecars, drift and workload; and a SidecarSet whose object and injected pods
 * are all the same has the same plan. At 10,000 pods a change to a few pods then costs a few pods.
 */
export interface FleetMemo {
  context?: string;
  pods: WeakMap<Pod, PodEntry>;
  plans: Map<string, { ss: SidecarSet; pods: Pod[]; plan: RolloutPlan; state: RolloutState; neverInjected: number; bucket: number }>;
}

export function createFleetMemo(): FleetMemo {
  return { pods: new WeakMap(), plans: new Map() };
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

function samePods(a: readonly Pod[], b: readonly Pod[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** "Stuck for N minutes" is re-judged at least this often even when nothing changed. */
const STATE_BUCKET_MS = 15_000;

/**
 * Builds the model; `now` is the clock used for "stuck for N minutes". Pass the same `memo` to
 * successive builds over the same cache to recompute only what changed.
 */
export function buildFleetModel(snapshot: ClusterSnapshot, now: Date, memo: FleetMemo = createFleetMemo()): FleetModel {
  const ctx: SidecarContext = sidecarContext(snapshot.sidecarSets, snapshot.revisions, snapshot.namespaces);
  const owners = buildOwnerIndex(snapshot);
  const canaries = canaryBases(snapshot.sidecarSets);
  const sidecarSets = [...snapshot.sidecarSets].sort((a, b) => cmp(a.metadata.name, b.metadata.name));
  const context = contextKey(snapshot);
  if (memo.context !== context) {
    memo.context = context;
    memo.pods = new WeakMap();
    memo.plans.clear();
  }

  // Per pod: everything every view needs, computed once.
  const pods: PodEntry[] = [];
  const podsByKey = new Map<string, PodEntry>();
  const podsByInjector = new Map<string, PodEntry[]>();
  for (const pod of snapshot.pods) {
    let entry = memo.pods.get(pod);
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
      memo.pods.set(pod, entry);
    }
    pods.push(entry);
    podsByKey.set(podKey(pod), entry);
    for (const name of entry.injectors) {
      const list = podsByInjector.get(name);
      if (list) list.push(entry);
      else podsByInjector.set(name, [entry]);
    }
  }

  const eventsByObject = new Map<string, KubeEvent[]>();
  for (const e of snapshot.events) {
    const io = e.involvedObject;
    const k = `${io.kind}/${io.namespace ?? ''}/${io.name}`;
    const list = eventsByObject.get(k);
    if (list) list.push(e);
    else eventsByObject.set(k, [e]);
  }
  const eventsFor = (keys: Iterable<string>): EventRow[] => {
    const found: KubeEvent[] = [];
    for (const k of keys) for (const e of eventsByObject.get(k) ?? []) found.push(e);
    return found.sort(newestFirst).slice(0, MAX_EVENTS).map(eventRow);
  };

  // Per SidecarSet: the planner over the pods it injected (M ⊆ injected), state and summary.
  const neverInjectedCount = new Map<string, number>();
  for (const p of pods)
    for (const n of p.drift.neverInjected) neverInjectedCount.set(n.sidecarSet, (neverInjectedCount.get(n.sidecarSet) ?? 0) + 1);
  const ssEntries = new Map<string, SidecarSetEntry>();
  for (const ss of sidecarSets) {
    const name = ss.metadata.name;
    const injected = podsByInjector.get(name) ?? [];
    const injectedPods = injected.map((e) => e.pod);
    const neverInjected = neverInjectedCount.get(name) ?? 0;
    const bucket = Math.floor(now.getTime() / STATE_BUCKET_MS);
    let kept = memo.plans.get(name);
    if (!kept || kept.ss !== ss || !samePods(kept.pods, injectedPods)) {
      const plan = planRollout({ sidecarSet: ss, pods: injectedPods, namespaceLabels: ctx.namespaceLabels });
      kept = { ss, pods: injectedPods, plan, state: rolloutState(ss, plan, { neverInjected, now }), neverInjected, bucket };
      memo.plans.set(name, kept);
    } else if (kept.neverInjected !== neverInjected || kept.bucket !== bucket) {
      kept.state = rolloutState(ss, kept.plan, { neverInjected, now });
      kept.neverInjected = neverInjected;
      kept.bucket = bucket;
    }
    const { plan, state } = kept;
    const summary: SidecarSetSummary = {
      name,
      resourceVersion: ss.metadata.resourceVersion ?? '',
      generation: ss.metadata.generation ?? 0,
      containers: summarizeContainers(ss),
      selector: formatSelector(ss.spec.selector),
      strategy: summarizeStrategy(ss),
      matchedPods: plan.status.matchedPods,
      updatedPods: plan.status.updatedPods,
      readyPods: plan.status.readyPods,
      updatedReadyPods: plan.status.updatedReadyPods,
      state,
    };
    if (ss.status?.observedGeneration !== undefined) summary.observedGeneration = ss.status.observedGeneration;
    if (ss.spec.namespaceSelector) summary.namespaceSelector = formatSelector(ss.spec.namespaceSelector);
    if (ss.status?.latestRevision) summary.latestRevision = ss.status.latestRevision;
    if (ss.metadata.creationTimestamp) summary.createdAt = ss.metadata.creationTimestamp;
    ssEntries.set(name, { ss, plan, state, summary, injected: injected.filter((e) => e.active), neverInjected });
  }

  // Per workload.
  const workloadMap = new Map<string, WorkloadEntry>();
  for (const p of pods) {
    let w = workloadMap.get(p.wkey);
    if (!w) {
      w = {
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
        pods: [],
        sidecarSets: new Set(),
        images: new Set(),
        search: '',
      };
      workloadMap.set(p.wkey, w);
    }
    const row = w.row;
    w.pods.push(p);
    row.pods++;
    if (p.ready) row.readyPods++;
    row.health = worstHealth(row.health, p.status.health);
    if (p.status.health === 'failing') row.failingPods = (row.failingPods ?? 0) + 1;
    if (p.drift.outdated.length) row.drift.outdated++;
    if (p.drift.notUpgradable.length) row.drift.notUpgradable++;
    if (p.drift.neverInjected.length) {
      row.drift.neverInjected++;
      for (const n of p.drift.neverInjected) w.sidecarSets.add(n.sidecarSet);
      const by = new Set(row.neverInjectedBy ?? []);
      for (const n of p.drift.neverInjected) by.add(n.sidecarSet);
      row.neverInjectedBy = [...by].sort();
    }
    if (p.drift.orphaned.length) row.drift.orphaned++;
    // Version counts only for pods that still run: a completed Job pod keeps whatever it had.
    if (!p.active) continue;
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
  const workloads: WorkloadEntry[] = [];
  for (const w of workloadMap.values()) {
    for (const cell of Object.values(w.row.sidecars)) {
      // Most pods first, then the image name: the current version usually leads.
      cell.versions.sort((a, b) => b.pods - a.pods || cmp(a.image, b.image));
    }
    w.search = [`${w.row.namespace}/${w.row.name}`, w.row.kind, ...Object.keys(w.row.sidecars), ...w.images, ...w.sidecarSets]
      .join('\n')
      .toLowerCase();
    workloads.push(w);
  }
  workloads.sort((a, b) => cmp(a.row.namespace, b.row.namespace) || cmp(a.row.name, b.row.name) || cmp(a.row.kind, b.row.kind));

  // Facets over every workload.
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
  const facets = { namespaces: facet(nsCounts), sidecarSets: facet(ssCounts), versions: facet(imgCounts) };

  const podRow = (e: PodEntry): PodRow => {
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
  };

  let overviewParts: Pick<OverviewView, 'totals' | 'sidecarSets' | 'attention'> | undefined;
  const overviewOnce = () => {
    if (overviewParts) return overviewParts;
    const totals: FleetTotals = {
      sidecarSets: sidecarSets.length,
      pods: pods.length,
      injectedPods: 0,
      outdatedPods: 0,
      notUpgradablePods: 0,
      failingPods: 0,
      byState: { complete: 0, progressing: 0, paused: 0, stuck: 0, 'not-updating': 0 },
    };
    for (const p of pods) {
      if (p.sidecars.length) totals.injectedPods++;
      if (p.drift.outdated.length) totals.outdatedPods++;
      if (p.drift.notUpgradable.length) totals.notUpgradablePods++;
      if (p.status.health === 'failing') totals.failingPods++;
    }
    const attention: AttentionItem[] = [];
    for (const e of ssEntries.values()) {
      totals.byState[e.state.kind]++;
      const name = e.ss.metadata.name;
      const hasFailing = e.state.reasons.some((r) => r.code === 'FailingImage');
      for (const r of e.state.reasons) {
        // With failing pods the spent budget is a consequence, not a separate thing to fix.
        if (hasFailing && r.code === 'BudgetExhausted') continue;
        let severity: AttentionItem['severity'] | undefined;
        if (r.code === 'FailingImage') severity = 'critical';
        else if (e.state.kind === 'stuck' && r.code !== 'InFlight' && r.code !== 'WaitingForController') severity = 'warning';
        else if (r.code === 'NotUpgradable' || r.code === 'NeverInjected') severity = 'warning';
        else if (r.code === 'Paused' || r.code === 'PartitionHolding' || r.code === 'SelectorHolding') severity = 'info';
        if (!severity) continue;
        const item: AttentionItem = { severity, sidecarSet: name, message: `${name}: ${r.message}`, code: r.code };
        if (r.pods !== undefined) item.pods = r.pods;
        attention.push(item);
      }
    }
    for (const w of workloads) {
      const failing = w.row.failingPods ?? 0;
      if (failing > 0) {
        const reasons = new Map<string, number>();
        for (const p of w.pods) if (p.status.health === 'failing') reasons.set(p.status.status, (reasons.get(p.status.status) ?? 0) + 1);
        const top = [...reasons].sort((a, b) => b[1] - a[1] || cmp(a[0], b[0]))[0]?.[0] ?? 'failing';
        attention.push({
          severity: 'critical',
          workload: { kind: w.row.kind, namespace: w.row.namespace, name: w.row.name },
          message: `${w.row.kind} ${w.row.namespace}/${w.row.name}: ${failing} of ${w.row.pods} pods failing (${top})`,
          code: 'FailingPods',
          pods: failing,
        });
      }
      if (w.row.drift.orphaned > 0) {
        attention.push({
          severity: 'info',
          workload: { kind: w.row.kind, namespace: w.row.namespace, name: w.row.name },
          message: `${w.row.kind} ${w.row.namespace}/${w.row.name}: ${w.row.drift.orphaned} ${
            w.row.drift.orphaned === 1 ? 'pod runs' : 'pods run'
          } sidecars no SidecarSet owns any more`,
          code: 'Orphaned',
          pods: w.row.drift.orphaned,
        });
      }
    }
    attention.sort(
      (a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || (b.pods ?? 0) - (a.pods ?? 0) || cmp(a.message, b.message),
    );
    overviewParts = {
      totals,
      sidecarSets: [...ssEntries.values()].map((e) => e.summary),
      attention: attention.slice(0, MAX_ATTENTION),
    };
    return overviewParts;
  };

  const matchesQuery = (w: WorkloadEntry, q: WorkloadQuery, needle: string): boolean => {
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
  };

  const sorter = (key: WorkloadSortKey): ((a: WorkloadEntry, b: WorkloadEntry) => number) => {
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
  };

  const workloadEvents = (w: WorkloadEntry): EventRow[] => {
    const keys = new Set<string>([`${w.row.kind}/${w.row.namespace}/${w.row.name}`]);
    for (const p of w.pods) keys.add(`Pod/${p.pod.metadata.namespace ?? ''}/${p.pod.metadata.name}`);
    return eventsFor(keys);
  };

  return {
    overview: (base) => ({ ...base, ...overviewOnce() }),

    workloads(query, base) {
      const pageSize = Math.min(Math.max(Math.trunc(query.pageSize ?? DEFAULT_PAGE_SIZE), 1), MAX_PAGE_SIZE);
      const needle = (query.q ?? '').trim().toLowerCase();
      const filtered = workloads.filter((w) => matchesQuery(w, query, needle));
      const by = sorter(query.sort ?? 'name');
      const dir = query.dir === 'desc' ? -1 : 1;
      filtered.sort(
        (a, b) => dir * by(a, b) || cmp(a.row.namespace, b.row.namespace) || cmp(a.row.name, b.row.name) || cmp(a.row.kind, b.row.kind),
      );
      const pages = Math.max(1, Math.ceil(filtered.length / pageSize));
      const page = Math.min(Math.max(Math.trunc(query.page ?? 1), 1), pages);
      return {
        ...base,
        rows: filtered.slice((page - 1) * pageSize, page * pageSize).map((w) => w.row),
        total: filtered.length,
        page,
        pageSize,
        facets,
      };
    },

    workloadDetail(ref, base) {
      const w = workloadMap.get(workloadKey(ref));
      if (!w) return null;
      const podsSorted = [...w.pods].sort((a, b) => cmp(a.pod.metadata.name, b.pod.metadata.name));
      return { ...base, workload: w.row, pods: podsSorted.map(podRow), events: workloadEvents(w) };
    },

    sidecarSetDetail(name, base, opts = {}) {
      const e = ssEntries.get(name);
      if (!e) return null;
      const { ss, plan } = e;
      const u = ss.spec.updateStrategy ?? {};
      const spec: SidecarSetSpecView = {
        containers: [
          ...(ss.spec.containers ?? []).map((c) => {
            const v: SidecarSetSpecView['containers'][number] = {
              name: c.name,
              image: c.image ?? '',
              upgradeType: c.upgradeStrategy?.upgradeType === 'HotUpgrade' ? 'HotUpgrade' : 'ColdUpgrade',
              init: false,
              podInjectPolicy: c.podInjectPolicy ?? 'BeforeAppContainer',
            };
            if (c.upgradeStrategy?.hotUpgradeEmptyImage) v.hotUpgradeEmptyImage = c.upgradeStrategy.hotUpgradeEmptyImage;
            return v;
          }),
          ...(ss.spec.initContainers ?? []).map((c) => ({
            name: c.name,
            image: c.image ?? '',
            upgradeType: 'ColdUpgrade' as const,
            init: true,
            podInjectPolicy: c.podInjectPolicy ?? 'AfterAppContainer',
          })),
        ],
        selector: formatSelector(ss.spec.selector),
        strategy: { ...summarizeStrategy(ss) },
        injection: { paused: ss.spec.injectionStrategy?.paused === true },
      };
      if (ss.spec.namespaceSelector) spec.namespaceSelector = formatSelector(ss.spec.namespaceSelector);
      if (u.priorityStrategy?.weightPriority?.length) {
        spec.strategy.priority = u.priorityStrategy.weightPriority
          .map((w) => `weight ${w.weight}: ${formatSelector(w.matchSelector)}`)
          .join('; ');
      } else if (u.priorityStrategy?.orderPriority?.length) {
        spec.strategy.priority = `order by ${u.priorityStrategy.orderPriority.map((o) => o.orderedKey).join(', ')}`;
      }
      if (u.scatterStrategy?.length) spec.strategy.scatter = u.scatterStrategy.map((t) => `${t.key}=${t.value}`).join(', ');
      const rev = ss.spec.injectionStrategy?.revision;
      if (rev?.revisionName) spec.injection.revision = rev.revisionName;
      if (rev?.customVersion) spec.injection.customVersion = rev.customVersion;
      if (rev && (rev.revisionName || rev.customVersion)) spec.injection.policy = rev.policy ?? 'Always';
      const customVersion = ss.spec.customVersion ?? ss.metadata.labels?.[KRUISE.customVersionLabel];
      if (customVersion) spec.customVersion = customVersion;
      if (ss.spec.revisionHistoryLimit !== undefined) spec.revisionHistoryLimit = ss.spec.revisionHistoryLimit;
      const a = ss.metadata.annotations ?? {};
      if (a[KRUISE.canary] === 'true' && a[KRUISE.canaryBase]) spec.canaryOf = a[KRUISE.canaryBase];

      // Pods on each revision, counted over the active pods this SidecarSet injected.
      const groups = new Map<string, { revision: string | null; pods: PodEntry[]; updated: boolean }>();
      const podsOnRevision = new Map<string, number>();
      for (const p of e.injected) {
        const s = p.sidecars.find((x) => x.sidecarSet === name);
        const revision = s?.revision ?? null;
        const updated = isUpdated(p.pod, ss);
        const gk = `${revision ?? ''}\u0000${updated}`;
        const g = groups.get(gk);
        if (g) g.pods.push(p);
        else groups.set(gk, { revision, pods: [p], updated });
        if (revision) podsOnRevision.set(revision, (podsOnRevision.get(revision) ?? 0) + 1);
      }
      const revisions: RevisionRow[] = snapshot.revisions
        .filter((r) => r.metadata.labels?.[KRUISE.revisionSidecarSetLabel] === name)
        .sort((x, y) => y.revision - x.revision)
        .map((r) => {
          const row: RevisionRow = {
            name: r.metadata.name,
            revision: r.revision,
            images: revisionImages(r),
            pods: podsOnRevision.get(r.metadata.name) ?? 0,
            latest: r.metadata.name === ss.status?.latestRevision,
          };
          const cv = r.metadata.labels?.[KRUISE.customVersionLabel];
          if (cv) row.customVersion = cv;
          if (r.metadata.creationTimestamp) row.createdAt = r.metadata.creationTimestamp;
          return row;
        });
      const pageSize = Math.min(Math.max(Math.trunc(opts.podsPageSize ?? SIDECARSET_PODS_PAGE_SIZE), 1), MAX_PAGE_SIZE);
      const page = Math.max(Math.trunc(opts.podsPage ?? 1), 1);
      const podGroups: PodGroup[] = [...groups.values()]
        .map((g) => {
          const sorted = g.pods.sort((x, y) => cmp(podKey(x.pod), podKey(y.pod)));
          const pg: PodGroup = {
            revision: g.revision,
            updated: g.updated,
            total: sorted.length,
            pods: sorted.slice((page - 1) * pageSize, page * pageSize).map(podRow),
          };
          const n = g.revision ? ctx.revisionNumbers.get(g.revision) : undefined;
          if (n !== undefined) pg.revisionNumber = n;
          return pg;
        })
        .sort(
          (x, y) =>
            Number(y.updated) - Number(x.updated) ||
            (y.revisionNumber ?? -1) - (x.revisionNumber ?? -1) ||
            cmp(x.revision ?? '', y.revision ?? ''),
        );

      const explanation: RolloutExplanation = {
        state: e.state,
        matched: plan.status.matchedPods,
        updated: plan.status.updatedPods,
        candidates: plan.candidates.length,
        notUpgradable: plan.notUpgradable.length,
        inFlight: plan.inFlight.length,
        selectorExcluded: plan.selectorExcluded.length,
        partition: plan.partition,
        maxUnavailable: plan.maxUnavailable,
        unavailable: plan.unavailable,
        nextRound: plan.selection.slice(0, MAX_NEXT_ROUND_NAMES).map(podKey),
        nextRoundTotal: plan.selection.length,
      };

      const eventKeys = new Set<string>([`SidecarSet//${name}`]);
      for (const p of e.injected) eventKeys.add(`Pod/${p.pod.metadata.namespace ?? ''}/${p.pod.metadata.name}`);

      return {
        ...base,
        summary: e.summary,
        spec,
        revisions,
        podGroups,
        podsPageSize: pageSize,
        events: eventsFor(eventKeys),
        explanation,
      };
    },

    podDetail(namespace, name, base) {
      const e = podsByKey.get(`${namespace}/${name}`);
      if (!e) return null;
      const statuses = new Map(
        [...(e.pod.status?.containerStatuses ?? []), ...(e.pod.status?.initContainerStatuses ?? [])].map((s) => [s.name, s]),
      );
      const containers: PodDetailView['containers'] = [];
      const add = (c: Pod['spec']['containers'][number], init: boolean) => {
        const s = statuses.get(c.name);
        const st = s?.state;
        const state = st?.running ? 'running' : st?.waiting ? 'waiting' : st?.terminated ? 'terminated' : 'unknown';
        const item: PodDetailView['containers'][number] = {
          name: c.name,
          image: c.image ?? '',
          init,
          ready: s?.ready === true,
          restarts: s?.restartCount ?? 0,
          state,
        };
        if (c.restartPolicy) item.restartPolicy = c.restartPolicy;
        if (s?.image) item.statusImage = s.image;
        if (s?.imageID) item.imageID = s.imageID;
        const reason = st?.waiting?.reason ?? st?.terminated?.reason;
        if (reason) item.reason = reason;
        containers.push(item);
      };
      for (const c of e.pod.spec.initContainers ?? []) add(c, true);
      for (const c of e.pod.spec.containers) add(c, false);
      return {
        ...base,
        pod: podRow(e),
        containers,
        annotations: { ...(e.pod.metadata.annotations ?? {}) },
        labels: { ...(e.pod.metadata.labels ?? {}) },
        conditions: (e.pod.status?.conditions ?? []).map((c) => {
          const out: PodDetailView['conditions'][number] = { type: c.type, status: c.status };
          if (c.reason) out.reason = c.reason;
          if (c.message) out.message = c.message;
          return out;
        }),
        events: eventsFor([`Pod/${namespace}/${name}`]),
      };
    },
  };
}
