'use client';

import { useSearchParams } from 'next/navigation';
import { useMemo } from 'react';
import { AccessErrors, FreshnessBanner, LiveIndicator } from '@/components/live/freshness';
import { Pagination } from '@/components/ui/pagination';
import { WorkloadFilters } from '@/components/workloads/workload-filters';
import { WorkloadGrid } from '@/components/workloads/workload-grid';
import { workloadsHref } from '@/components/workloads/links';
import type { WorkloadQuery } from '@/lib/fleet/views';
import { workloadsOptions } from '@/lib/query/options';
import { useLiveQuery } from '@/lib/query/use-live-query';
import { parseWorkloadQuery, workloadQueryString } from '@/lib/query/workload-query';
import { useCluster } from '@/components/shell/cluster-scope';

/**
 * The workloads grid, one server-side page at a time, polled live. The URL is the state: filters
 * write it with history.pushState (Next keeps useSearchParams in sync without a server round
 * trip), and the query key follows it.
 */
export function WorkloadsLive() {
  const searchParams = useSearchParams();
  const query = useMemo(() => parseWorkloadQuery(new URLSearchParams(searchParams.toString())), [searchParams]);
  const cluster = useCluster().id;
  const { data, error, freshness, updatedAt, isPlaceholderData } = useLiveQuery(cluster, workloadsOptions(cluster, query));

  const navigate = (next: WorkloadQuery, opts: { replace?: boolean } = {}) => {
    const url = workloadsHref(cluster, workloadQueryString(next));
    if (opts.replace) window.history.replaceState(null, '', url);
    else window.history.pushState(null, '', url);
  };

  const sortLabel = `${query.sort ?? 'name'}${query.dir === 'desc' ? ', descending' : ''}`;
  return (
    <div className="space-y-3">
      <WorkloadFilters query={query} facets={data?.facets} onChange={navigate} />
      <div className="flex flex-wrap items-center justify-between gap-2">
        <LiveIndicator freshness={freshness} fetchError={error} dataUpdatedAt={updatedAt} />
        <p aria-live="polite" className="text-xs text-zinc-600 dark:text-zinc-400">
          {isPlaceholderData ? 'Loading…' : data ? `${data.total} workloads match` : ''}
        </p>
      </div>
      <FreshnessBanner freshness={freshness} fetchError={error} dataUpdatedAt={updatedAt} />
      <AccessErrors freshness={freshness} />
      {data && (
        <div className={isPlaceholderData ? 'opacity-60 transition-opacity' : undefined} aria-busy={isPlaceholderData}>
          <WorkloadGrid
            rows={data.rows}
            sort={query.sort}
            dir={query.dir}
            caption={`Workloads and their sidecar versions, page ${data.page}, sorted by ${sortLabel}`}
          />
          <div className="mt-2">
            <Pagination
              page={data.page}
              pageSize={data.pageSize}
              total={data.total}
              noun="workloads"
              label="Workloads pages"
              hrefFor={(page) => workloadsHref(cluster, workloadQueryString({ ...query, page }))}
            />
          </div>
        </div>
      )}
    </div>
  );
}
