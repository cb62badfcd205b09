/**
 * The views the dashboard asks a FleetModel for, answered from its precomputed entries: the
 * overview (totals and what needs attention), a page of the workloads grid, and the workload and
 * pod details. A request only filters, sorts and pages.
 */
import type { Pod } from '../k8s-types';
import type { AttentionItem, FleetTotals, OverviewView, PodDetailView, WorkloadDetailView, WorkloadQuery, WorkloadsView } from '../views';
import { type EventIndex, eventObject } from './events';
import { type PodEntry, podRow } from './pod-entries';
import { MAX_PAGE_SIZE, type SidecarSetEntry } from './sidecarset-summary';
import { cmp, matchesQuery, sorter, type WorkloadEntry, type WorkloadFacets } from './workload-rows';

export const DEFAULT_PAGE_SIZE = 50;
const MAX_ATTENTION = 100;

const SEVERITY_RANK: Record<AttentionItem['severity'], number> = { critical: 0, warning: 1, info: 2 };

export type OverviewParts = Pick<OverviewView, 'totals' | 'sidecarSets' | 'attention'>;

/** Fleet totals, every SidecarSet's summary, and what needs attention first. */
export function overviewParts(
  pods: readonly PodEntry[],
  sidecarSets: Map<string, SidecarSetEntry>,
  workloads: readonly WorkloadEntry[],
): OverviewParts {
  const totals: FleetTotals = {
    sidecarSets: sidecarSets.size,
    pods: pods.length,
    injectedPods: 0,
    outdatedPods: 0,
    notUpgradablePods: 0,
    failingPods: 0,
    byState: { complete: 0, progressing: 0, paused: 0, stuck: 0, 'not-updating': 0 },
  };
  // Every pod is in one workload: 7,500 rows to add up rather than 150,000 pods to visit.
  for (const w of workloads) {
    totals.injectedPods += w.injectedPods;
    totals.outdatedPods += w.row.drift.outdated;
    totals.notUpgradablePods += w.row.drift.notUpgradable;
    totals.failingPods += w.row.failingPods ?? 0;
  }
  const attention: AttentionItem[] = [];
  for (const e of sidecarSets.values()) {
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
    const workload = { kind: w.row.kind, namespace: w.row.namespace, name: w.row.name };
    if (failing > 0) {
      const reasons = new Map<string, number>();
      for (const p of w.pods) if (p.status.health === 'failing') reasons.set(p.status.status, (reasons.get(p.status.status) ?? 0) + 1);
      const top = [...reasons].sort((a, b) => b[1] - a[1] || cmp(a[0], b[0]))[0]?.[0] ?? 'failing';
      attention.push({
        severity: 'critical',
        workload,
        message: `${w.row.kind} ${w.row.namespace}/${w.row.name}: ${failing} of ${w.row.pods} pods failing (${top})`,
        code: 'FailingPods',
        pods: failing,
      });
    }
    if (w.row.drift.orphaned > 0) {
      attention.push({
        severity: 'info',
        workload,
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
  return {
    totals,
    sidecarSets: [...sidecarSets.values()].map((e) => e.summary),
    attention: attention.slice(0, MAX_ATTENTION),
  };
}

/** One page of the workloads grid, filtered and sorted as the query asks. */
export function workloadsPage(
  workloads: readonly WorkloadEntry[],
  facets: WorkloadFacets,
  query: WorkloadQuery,
): Omit<WorkloadsView, 'freshness'> {
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
    rows: filtered.slice((page - 1) * pageSize, page * pageSize).map((w) => w.row),
    total: filtered.length,
    page,
    pageSize,
    facets,
  };
}

export function workloadDetailView(w: WorkloadEntry, events: EventIndex): Omit<WorkloadDetailView, 'freshness'> {
  const podsSorted = [...w.pods].sort((a, b) => cmp(a.pod.metadata.name, b.pod.metadata.name));
  return {
    workload: w.row,
    pods: podsSorted.map(podRow),
    events: events.newest(eventObject(w.row.kind, w.row.namespace, w.row.name), w.pods),
  };
}

export function podDetailView(e: PodEntry, events: EventIndex): Omit<PodDetailView, 'freshness'> {
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
    events: events.newest(undefined, [e]),
  };
}
