'use client';

import { type QueryKey, type UseQueryOptions, useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import type { Freshness } from '@/lib/fleet/views';
import { useLiveStream } from './live-stream';
import { pulseOptions, queryKeys } from './options';

export interface LiveQueryResult<T> {
  data: T | undefined;
  /** The view's own fetch error (a 404 means the object is gone). */
  viewError: Error | null;
  /** An error that makes what is on screen stale: the view's or the pulse's. */
  error: Error | null;
  /** The newest freshness known: the pulse's (1.5 s old at most), else the view's. */
  freshness: Freshness | undefined;
  /** When the newest answer arrived (the pulse's or the view's). */
  updatedAt: number;
  isPlaceholderData: boolean;
}

/**
 * A view of one cluster kept live. Pushed when it can be: the server sends the view again whenever
 * it changes over one stream (live-stream.ts), and nothing is polled. Otherwise (no stream yet, a
 * stream that failed) by its pulse: the cheap pulse is polled every 1.5 s and the view refetched
 * only when the views' revision or liveness changed (plus its own slow interval). A 100 KB
 * SidecarSet view is not re-sent and re-rendered every 1.5 s when nothing moved.
 */
export function useLiveQuery<T extends { freshness: Freshness }, K extends QueryKey>(
  cluster: string,
  options: UseQueryOptions<T, Error, T, K>,
): LiveQueryResult<T> {
  const live = (options.meta as { live?: string } | undefined)?.live;
  const pushed = useLiveStream(cluster, live, options.queryKey, queryKeys.pulse(cluster));
  const query = useQuery(pushed ? { ...options, refetchInterval: false } : options);
  const pulse = useQuery(pulseOptions(cluster));
  const revision = pulse.data?.revision;
  const isLive = pulse.data?.freshness.live;
  const seen = useRef<{ revision: number; live: boolean } | null>(null);
  const { refetch } = query;

  useEffect(() => {
    if (revision === undefined || isLive === undefined) return;
    const before = seen.current;
    seen.current = { revision, live: isLive };
    // The first pulse only sets the baseline: a server-rendered view older than staleTime is
    // already refetched on mount, so refetching here too would fetch it twice. A pushed view
    // arrives with its pulse: nothing to fetch.
    if (!pushed && before && (before.revision !== revision || before.live !== isLive)) void refetch();
  }, [revision, isLive, refetch, pushed]);

  const pulseNewer = pulse.dataUpdatedAt > query.dataUpdatedAt;
  return {
    data: query.data,
    viewError: query.error,
    error: query.error ?? pulse.error,
    freshness: pulseNewer && pulse.data ? pulse.data.freshness : query.data?.freshness,
    updatedAt: Math.max(pulse.dataUpdatedAt, query.dataUpdatedAt),
    isPlaceholderData: query.isPlaceholderData,
  };
}
