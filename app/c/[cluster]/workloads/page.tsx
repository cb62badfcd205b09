import { dehydrate, HydrationBoundary } from '@tanstack/react-query';
import type { Metadata } from 'next';
import { Suspense } from 'react';
import { WorkloadsSkeleton } from '@/components/shell/page-skeletons';
import { clusterOutage } from '@/components/shell/cluster-gate';
import { ClusterUnreachable } from '@/components/shell/cluster-unreachable';
import { PageHeader } from '@/components/ui/page-header';
import { WorkloadsLive } from '@/components/workloads/workloads-live';
import { getWorkloads } from '@/lib/k8s/fleet';
import { type ClusterSession, pageSession } from '@/app/_lib/page-cluster';
import { getQueryClient } from '@/lib/query/get-query-client';
import { workloadsOptions } from '@/lib/query/options';
import { parseWorkloadQuery } from '@/lib/query/workload-query';

export const metadata: Metadata = { title: 'Workloads' };

type Params = Promise<{ cluster: string }>;
type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function WorkloadsPage({ params, searchParams }: { params: Params; searchParams: SearchParams }) {
  // The cluster first, outside the streamed part: an unknown one answers 404 before anything is sent.
  const session = await pageSession(params);
  return (
    <>
      <PageHeader
        title="Workloads"
        description="Each workload's sidecars: the versions its pods run, with pod counts and health. Filters stay in the URL."
      />
      <Suspense fallback={<WorkloadsSkeleton />}>
        <Workloads session={session} searchParams={searchParams} />
      </Suspense>
    </>
  );
}

async function Workloads({ session, searchParams }: { session: ClusterSession; searchParams: SearchParams }) {
  const query = parseWorkloadQuery(await searchParams);
  const queryClient = getQueryClient();
  const view = await queryClient.fetchQuery({
    ...workloadsOptions(session.cluster.id, query),
    queryFn: () => getWorkloads(query, session),
  });
  if (view.total === 0 && view.facets.namespaces.length === 0) {
    const outage = await clusterOutage(session);
    if (outage) return <ClusterUnreachable server={outage.server} code={outage.code} message={outage.message} />;
  }
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <WorkloadsLive />
    </HydrationBoundary>
  );
}
