'use client';

import { type QueryKey, type UseQueryOptions, useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import type { Freshness } from '@/lib/fleet/views';
import { pulseOptions } from './options';

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
 * A view of one cluster kept live by its pulse: the cheap pulse is polled every 1.5 s and the view refetched
 * only when the cache's revision or liveness changed (plus its own slow interval). A 100 KB
 * SidecarSet view is not re-sent and re-rendered every 1.5 s when nothing moved.
 */
export function useLiveQuery<T extends { freshness: Freshness }, K extends QueryKey>(
  cluster: string,
  options: UseQueryOptions<T, Error, T, K>,
): LiveQueryResult<T> {
  const query = useQuery(options);
  const pulse = useQuery(pulseOptions(cluster));
  const revision = pulse.data?.revision;
  const live = pulse.data?.freshness.live;
  const seen = useRef<{ revision: number; live: boolean } | null>(null);
  const { refetch } = query;

  useEffect(() => {
    if (revision === undefined || live === undefined) return;
    const before = seen.current;
    seen.current = { revision, live };
    // The first pulse only sets the baseline: a server-rendered view older than staleTime is
    // already refetched on mount, so refetching here too would fetch it twice.
    if (before && (before.revision !== revision || before.live !== live)) void refetch();
  }, [revision, live, refetch]);

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
