import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import type {
  ClusterInfo,
  ClustersList,
  FleetPulse,
  OverviewView,
  PodDetailView,
  SidecarSetDetailView,
  WorkloadQuery,
  WorkloadRef,
  WorkloadsView,
} from '@/lib/fleet/views';
import type { AcrossClustersView, ImageSearchView } from '@/lib/fleet/across-clusters';
import type { RolloutDialogContext, RolloutPanel } from '@/lib/fleet/rollout-preview';
import { fetchJson, HttpError } from './fetch-json';
import { isStreaming } from './streaming';
import { type WorkloadDetailPage, workloadQueryKey, workloadQueryString } from './workload-query';

/**
 * Every live query of the dashboard, one factory each. Server components prefetch with the same
 * key (and a queryFn that calls lib/k8s directly); client components poll the JSON routes. Every
 * per-cluster query names its cluster first, in its key and its URL (/api/c/<cluster>/…).
 *
 * Live, in two tiers (see use-live-query.ts):
 * - the pulse (cache revision + freshness, ~100 bytes) is polled every 1.5 s, so a change shows
 *   within ~2 s; TanStack pauses the interval while the tab is hidden
 *   (refetchIntervalInBackground: false) and refetches when it is shown again;
 * - a view (up to ~100 KB for a big SidecarSet) is refetched when the pulse's revision or
 *   liveness changes, and at least every VIEW_MAX_AGE_MS (time-based states such as "stuck for
 *   N minutes" change without a cluster change).
 */
export const LIVE_INTERVAL_MS = 1500;
export const VIEW_MAX_AGE_MS = 10_000;

// Keep polling after a failed fetch: the stale banner shows, and the page recovers on its own.
const retry = (count: number, err: Error) => !(err instanceof HttpError && err.status === 404) && count < 1;

const live = {
  refetchInterval: LIVE_INTERVAL_MS,
  refetchIntervalInBackground: false,
  retry,
} as const;

const view = {
  refetchInterval: VIEW_MAX_AGE_MS,
  refetchIntervalInBackground: false,
  retry,
} as const;

const enc = encodeURIComponent;

/** The JSON routes of one cluster. */
const api = (cluster: string, path: string) => `/api/c/${enc(cluster)}${path}`;

export const queryKeys = {
  clusters: () => ['clusters'] as const,
  acrossClusters: () => ['across-clusters'] as const,
  imageSearch: (q: string) => ['image-search', q] as const,
  cluster: (cluster: string) => ['c', cluster, 'cluster'] as const,
  pulse: (cluster: string) => ['c', cluster, 'pulse'] as const,
  overview: (cluster: string) => ['c', cluster, 'overview'] as const,
  workloads: (cluster: string, q: WorkloadQuery) => ['c', cluster, 'workloads', workloadQueryKey(q)] as const,
  workload: (cluster: string, ref: WorkloadRef, page: number) =>
    ['c', cluster, 'workload', ref.namespace, ref.kind, ref.name, page] as const,
  sidecarSet: (cluster: string, name: string) => ['c', cluster, 'sidecarset', name] as const,
  pod: (cluster: string, namespace: string, name: string) => ['c', cluster, 'pod', namespace, name] as const,
  rolloutPanel: (cluster: string, name: string, paused: boolean) => ['c', cluster, 'rollout-panel', name, paused] as const,
  rolloutAccess: (cluster: string) => ['c', cluster, 'rollout-access'] as const,
  rolloutDialog: (cluster: string, name: string, openedAt: number) => ['c', cluster, 'rollout-dialog', name, openedAt] as const,
};

/** The configured clusters (for the header's switcher and the all-clusters pause). */
export function clustersOptions() {
  return queryOptions({
    queryKey: queryKeys.clusters(),
    queryFn: ({ signal }) => fetchJson<ClustersList>('/api/clusters', signal),
    staleTime: 60_000,
  });
}

/** Every SidecarSet in every cluster, side by side, with the image drift between clusters. */
export function acrossClustersOptions() {
  return queryOptions({
    queryKey: queryKeys.acrossClusters(),
    queryFn: ({ signal }) => fetchJson<AcrossClustersView>('/api/clusters/compare', signal),
    refetchInterval: 5_000,
    refetchIntervalInBackground: false,
    retry,
  });
}

/** Which clusters, SidecarSets and workloads run an image or version. */
export function imageSearchOptions(q: string) {
  return queryOptions({
    queryKey: queryKeys.imageSearch(q),
    queryFn: ({ signal }) => fetchJson<ImageSearchView>(`/api/clusters/images?q=${enc(q)}`, signal),
    placeholderData: keepPreviousData,
    refetchInterval: 5_000,
    refetchIntervalInBackground: false,
    enabled: q.trim() !== '',
    retry,
  });
}

export function clusterOptions(cluster: string) {
  return queryOptions({
    queryKey: queryKeys.cluster(cluster),
    queryFn: ({ signal }) => fetchJson<ClusterInfo>(api(cluster, '/cluster'), signal),
    staleTime: 30_000,
  });
}

export function pulseOptions(cluster: string) {
  return queryOptions({
    queryKey: queryKeys.pulse(cluster),
    queryFn: ({ signal }) => fetchJson<FleetPulse>(api(cluster, '/pulse'), signal),
    ...live,
    // A pushed view brings its pulse (live-stream.ts): no polling while one is up.
    refetchInterval: () => (isStreaming(cluster) ? false : LIVE_INTERVAL_MS),
  });
}

/** A view's query: fetched from its JSON route, and named by its path for the live stream (`meta.live`). */
function viewQuery<T>(cluster: string, path: string) {
  return {
    queryFn: ({ signal }: { signal: AbortSignal }) => fetchJson<T>(api(cluster, path), signal),
    meta: { live: path },
    ...view,
  };
}

export function overviewOptions(cluster: string) {
  return queryOptions({
    queryKey: queryKeys.overview(cluster),
    ...viewQuery<OverviewView>(cluster, '/overview'),
  });
}

export function workloadsOptions(cluster: string, q: WorkloadQuery) {
  return queryOptions({
    queryKey: queryKeys.workloads(cluster, q),
    ...viewQuery<WorkloadsView>(cluster, `/workloads${workloadQueryString(q)}`),
    // A new filter keeps the previous rows on screen until its page arrives (no empty flash).
    placeholderData: keepPreviousData,
  });
}

export function workloadDetailOptions(cluster: string, ref: WorkloadRef, page: number) {
  return queryOptions({
    queryKey: queryKeys.workload(cluster, ref, page),
    ...viewQuery<WorkloadDetailPage>(
      cluster,
      `/workloads/${enc(ref.namespace)}/${enc(ref.kind)}/${enc(ref.name)}${page > 1 ? `?page=${page}` : ''}`,
    ),
    placeholderData: keepPreviousData,
  });
}

export function sidecarSetOptions(cluster: string, name: string) {
  return queryOptions({
    queryKey: queryKeys.sidecarSet(cluster, name),
    ...viewQuery<SidecarSetDetailView>(cluster, `/sidecarsets/${enc(name)}`),
  });
}

export function podOptions(cluster: string, namespace: string, name: string) {
  return queryOptions({
    queryKey: queryKeys.pod(cluster, namespace, name),
    ...viewQuery<PodDetailView>(cluster, `/pods/${enc(namespace)}/${enc(name)}`),
  });
}

/**
 * Access and guard state for one SidecarSet's buttons: asked again every few seconds and at once
 * when the rollout is paused or resumed (the key holds `paused`: the guard's note comes with its pause).
 */
export function rolloutPanelOptions(cluster: string, name: string, paused: boolean) {
  return queryOptions({
    queryKey: queryKeys.rolloutPanel(cluster, name, paused),
    queryFn: ({ signal }) => fetchJson<RolloutPanel>(api(cluster, `/sidecarsets/${enc(name)}/rollout`), signal),
    staleTime: 4_000,
    refetchInterval: 5_000,
    placeholderData: (prev) => prev,
  });
}

/** May this dashboard's identity patch SidecarSets at all (overview rows and pause-all)? */
export function fleetRolloutAccessOptions(cluster: string) {
  return queryOptions({
    queryKey: queryKeys.rolloutAccess(cluster),
    queryFn: ({ signal }) => fetchJson<RolloutPanel>(api(cluster, '/rollout-access'), signal),
    staleTime: 15_000,
    refetchInterval: 30_000,
  });
}

/**
 * What a dialog shows and guards its write with, loaded once per opening: the view stays as the
 * user saw it while the dialog is open, so a concurrent change surfaces as a conflict on confirm.
 */
export function rolloutDialogOptions(cluster: string, name: string, openedAt: number) {
  return queryOptions({
    queryKey: queryKeys.rolloutDialog(cluster, name, openedAt),
    queryFn: ({ signal }) => fetchJson<RolloutDialogContext>(api(cluster, `/sidecarsets/${enc(name)}/rollout/dialog`), signal),
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: 0,
    retry,
    enabled: openedAt > 0,
  });
}
