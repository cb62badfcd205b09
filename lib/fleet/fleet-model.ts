/**
 * Aggregation of a cluster snapshot into the dashboard's views. Pure: the door (lib/k8s/fleet.ts)
 * builds one FleetModel per cache revision and answers every request from it.
 */
import type { ClusterSnapshot } from './cluster-state';
import type {
  FleetTotals,
  OverviewView,
  PodDetailView,
  SidecarSetDetailView,
  WorkloadDetailView,
  WorkloadQuery,
  WorkloadRef,
  WorkloadsView,
} from './views';

export type ViewBase = Pick<OverviewView, 'freshness'>;

export interface FleetModel {
  overview(base: Omit<OverviewView, 'totals' | 'sidecarSets' | 'attention'>): OverviewView;
  workloads(query: WorkloadQuery, base: ViewBase): WorkloadsView;
  workloadDetail(ref: WorkloadRef, base: ViewBase): WorkloadDetailView | null;
  sidecarSetDetail(name: string, base: ViewBase): SidecarSetDetailView | null;
  podDetail(namespace: string, name: string, base: ViewBase): PodDetailView | null;
}

const EMPTY_TOTALS: FleetTotals = {
  sidecarSets: 0,
  pods: 0,
  injectedPods: 0,
  outdatedPods: 0,
  notUpgradablePods: 0,
  failingPods: 0,
  byState: { complete: 0, progressing: 0, paused: 0, stuck: 0, 'not-updating': 0 },
};

/** Builds the model; `now` is the clock used for ages and "stuck for" thresholds. */
export function buildFleetModel(snapshot: ClusterSnapshot, _now: Date): FleetModel {
  return {
    overview: (base) => ({ ...base, totals: { ...EMPTY_TOTALS, pods: snapshot.pods.length }, sidecarSets: [], attention: [] }),
    workloads: (query, base) => ({
      ...base,
      rows: [],
      total: 0,
      page: query.page ?? 1,
      pageSize: query.pageSize ?? 50,
      facets: { namespaces: [], sidecarSets: [], versions: [] },
    }),
    workloadDetail: () => null,
    sidecarSetDetail: () => null,
    podDetail: () => null,
  };
}
