import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import type {
  ClusterInfo,
  FleetPulse,
  OverviewView,
  PodDetailView,
  SidecarSetDetailView,
  WorkloadQuery,
  WorkloadRef,
  WorkloadsView,
} from '@/lib/fleet/views';
import type { RolloutDialogContext, RolloutPanel } from '@/lib/fleet/rollout-preview';
import { fetchJson, HttpError } from './fetch-json';
import { type WorkloadDetailPage, workloadQueryKey, workloadQueryString } from './workload-query';

/**
 * Every live query of the dashboard, one factory each. Server components prefetch with the same
 * key (and a queryFn that calls lib/k8s directly); client components poll the JSON routes.
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

export const queryKeys = {
  cluster: () => ['cluster'] as const,
  pulse: () => ['pulse'] as const,
  overview: () => ['overview'] as const,
  workloads: (q: WorkloadQuery) => ['workloads', workloadQueryKey(q)] as const,
  workload: (ref: WorkloadRef, page: number) => ['workload', ref.namespace, ref.kind, ref.name, page] as const,
  sidecarSet: (name: string) => ['sidecarset', name] as const,
  pod: (namespace: string, name: string) => ['pod', namespace, name] as const,
  rolloutPanel: (name: string, paused: boolean) => ['rollout-panel', name, paused] as const,
  rolloutAccess: () => ['rollout-access'] as const,
  rolloutDialog: (name: string, openedAt: number) => ['rollout-dialog', name, openedAt] as const,
};

export function clusterOptions() {
  return queryOptions({
    queryKey: queryKeys.cluster(),
    queryFn: ({ signal }) => fetchJson<ClusterInfo>('/api/cluster', signal),
    staleTime: 30_000,
  });
}

export function pulseOptions() {
  return queryOptions({
    queryKey: queryKeys.pulse(),
    queryFn: ({ signal }) => fetchJson<FleetPulse>('/api/pulse', signal),
    ...live,
  });
}

export function overviewOptions() {
  return queryOptions({
    queryKey: queryKeys.overview(),
    queryFn: ({ signal }) => fetchJson<OverviewView>('/api/overview', signal),
    ...view,
  });
}

export function workloadsOptions(q: WorkloadQuery) {
  return queryOptions({
    queryKey: queryKeys.workloads(q),
    queryFn: ({ signal }) => fetchJson<WorkloadsView>(`/api/workloads${workloadQueryString(q)}`, signal),
    // A new filter keeps the previous rows on screen until its page arrives (no empty flash).
    placeholderData: keepPreviousData,
    ...view,
  });
}

export function workloadDetailOptions(ref: WorkloadRef, page: number) {
  return queryOptions({
    queryKey: queryKeys.workload(ref, page),
    queryFn: ({ signal }) =>
      fetchJson<WorkloadDetailPage>(
        `/api/workloads/${enc(ref.namespace)}/${enc(ref.kind)}/${enc(ref.name)}${page > 1 ? `?page=${page}` : ''}`,
        signal,
      ),
    placeholderData: keepPreviousData,
    ...view,
  });
}

export function sidecarSetOptions(name: string) {
  return queryOptions({
    queryKey: queryKeys.sidecarSet(name),
    queryFn: ({ signal }) => fetchJson<SidecarSetDetailView>(`/api/sidecarsets/${enc(name)}`, signal),
    ...view,
  });
}

export function podOptions(namespace: string, name: string) {
  return queryOptions({
    queryKey: queryKeys.pod(namespace, name),
    queryFn: ({ signal }) => fetchJson<PodDetailView>(`/api/pods/${enc(namespace)}/${enc(name)}`, signal),
    ...view,
  });
}

/**
 * Access and guard state for one SidecarSet's buttons: asked again every few seconds and at once
 * when the rollout is paused or resumed (the key holds `paused`: the guard's note comes with its pause).
 */
export function rolloutPanelOptions(name: string, paused: boolean) {
  return queryOptions({
    queryKey: queryKeys.rolloutPanel(name, paused),
    queryFn: ({ signal }) => fetchJson<RolloutPanel>(`/api/sidecarsets/${enc(name)}/rollout`, signal),
    staleTime: 4_000,
    refetchInterval: 5_000,
    placeholderData: (prev) => prev,
  });
}

/** May this dashboard's identity patch SidecarSets at all (overview rows and pause-all)? */
export function fleetRolloutAccessOptions() {
  return queryOptions({
    queryKey: queryKeys.rolloutAccess(),
    queryFn: ({ signal }) => fetchJson<RolloutPanel>('/api/rollout-access', signal),
    staleTime: 15_000,
    refetchInterval: 30_000,
  });
}

/**
 * What a dialog shows and guards its write with, loaded once per opening: the view stays as the
 * user saw it while the dialog is open, so a concurrent change surfaces as a conflict on confirm.
 */
export function rolloutDialogOptions(name: string, openedAt: number) {
  return queryOptions({
    queryKey: queryKeys.rolloutDialog(name, openedAt),
    queryFn: ({ signal }) => fetchJson<RolloutDialogContext>(`/api/sidecarsets/${enc(name)}/rollout/dialog`, signal),
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: 0,
    retry,
    enabled: openedAt > 0,
  });
}
