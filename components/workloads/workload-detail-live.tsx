'use client';

import { AccessErrors, FreshnessBanner, LiveIndicator } from '@/components/live/freshness';
import { HealthPill } from '@/components/status/status-pills';
import { EventsTimeline } from '@/components/sidecarsets/events-timeline';
import { Banner } from '@/components/ui/banner';
import { PageHeader } from '@/components/ui/page-header';
import { Pagination } from '@/components/ui/pagination';
import { Section } from '@/components/ui/section';
import { sidecarSetHref, workloadHref, workloadsHref } from '@/components/workloads/links';
import { PodSidecarTable } from '@/components/workloads/pod-sidecar-table';
import { SidecarCell } from '@/components/workloads/sidecar-cell';
import type { WorkloadRef } from '@/lib/fleet/views';
import { HttpError } from '@/lib/query/fetch-json';
import { workloadDetailOptions } from '@/lib/query/options';
import { useLiveQuery } from '@/lib/query/use-live-query';
import Link from 'next/link';
import { useCluster } from '@/components/shell/cluster-scope';

export function WorkloadDetailLive({ workloadRef, page }: { workloadRef: WorkloadRef; page: number }) {
  const cluster = useCluster().id;
  const { data, error, viewError, freshness, updatedAt } = useLiveQuery(cluster, workloadDetailOptions(cluster, workloadRef, page));
  const gone = viewError instanceof HttpError && viewError.status === 404;
  if (!data) return null;
  const w = data.workload;
  const sidecars = Object.entries(w.sidecars).sort(([a], [b]) => a.localeCompare(b));
  return (
    <div className="space-y-4">
      <PageHeader
        eyebrow={
          <nav aria-label="Breadcrumb">
            <ol className="flex gap-1">
              <li>
                <Link prefetch={false} href={workloadsHref(cluster)}>
                  Workloads
                </Link>{' '}
                /
              </li>
              <li>
                <Link prefetch={false} href={workloadsHref(cluster, `?ns=${encodeURIComponent(w.namespace)}`)}>
                  {w.namespace}
                </Link>{' '}
                /
              </li>
              <li aria-current="page">{w.kind}</li>
            </ol>
          </nav>
        }
        title={w.name}
        actions={<LiveIndicator freshness={freshness} fetchError={gone ? null : error} dataUpdatedAt={updatedAt} />}
      >
        <p className="mt-1 flex flex-wrap items-center gap-2 text-sm">
          <HealthPill health={w.health} />
          <span className="tabular-nums">
            {w.readyPods}/{w.pods} pods ready
          </span>
          <span className="text-zinc-600 dark:text-zinc-400">·</span>
          <span className="text-xs text-zinc-600 dark:text-zinc-400">
            {w.drift.outdated} outdated · {w.drift.notUpgradable} need recreate · {w.drift.neverInjected} never injected
          </span>
        </p>
      </PageHeader>
      {gone ? (
        <Banner tone="warning" title="This workload no longer exists in the cluster">
          It was deleted after this page was opened. The data below is the last seen.
        </Banner>
      ) : (
        <FreshnessBanner freshness={freshness} fetchError={error} dataUpdatedAt={updatedAt} />
      )}
      <AccessErrors freshness={freshness} />
      <Section id="sidecars" title="Sidecars" description="Versions this workload's pods run, with pod counts and health.">
        {sidecars.length === 0 ? (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">No SidecarSet injected these pods.</p>
        ) : (
          <ul className="grid gap-2 sm:grid-cols-2 lg:grid-cols-4">
            {sidecars.map(([name, entry]) => (
              <li key={name} className="rounded-lg border border-zinc-200 bg-white px-3 py-2 dark:border-zinc-800 dark:bg-zinc-900">
                <p className="mb-1 text-sm font-medium">
                  {name}
                  {entry.sidecarSet && (
                    <Link prefetch={false} href={sidecarSetHref(cluster, entry.sidecarSet)} className="ml-1.5 text-xs font-normal">
                      {entry.sidecarSet}
                    </Link>
                  )}
                </p>
                <SidecarCell entry={entry} />
              </li>
            ))}
          </ul>
        )}
      </Section>
      <Section id="pods" title="Pods" description="Each pod's sidecar containers: image, revision, updated, ready, restarts, state.">
        <PodSidecarTable pods={data.pods} caption={`Pods of ${w.kind} ${w.namespace}/${w.name} and their sidecars`} />
        <Pagination
          page={data.page}
          pageSize={data.pageSize}
          total={data.podsTotal}
          noun="pods"
          label="Pod pages"
          hrefFor={(p) => `${workloadHref(cluster, w)}${p > 1 ? `?page=${p}` : ''}`}
        />
      </Section>
      <Section id="events" title="Events">
        <EventsTimeline events={data.events} label={`Events of ${w.name} and its pods`} />
      </Section>
    </div>
  );
}
