import { dehydrate, HydrationBoundary } from '@tanstack/react-query';
import type { Metadata } from 'next';
import { notFound } from 'next/navigation';

import { clusterOutage } from '@/components/shell/cluster-gate';
import { ClusterUnreachable } from '@/components/shell/cluster-unreachable';
import { WorkloadDetailLive } from '@/components/workloads/workload-detail-live';
import { getWorkloadDetail } from '@/lib/k8s/fleet';
import { pageSession } from '@/app/_lib/page-cluster';
import { getQueryClient } from '@/lib/query/get-query-client';
import { workloadDetailOptions } from '@/lib/query/options';
import { pageOfWorkloadDetail, parsePage } from '@/lib/query/workload-query';

type Params = Promise<{ cluster: string; namespace: string; kind: string; name: string }>;
type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { namespace, name } = await params;
  return { title: `${decodeURIComponent(namespace)}/${decodeURIComponent(name)}` };
}

/**
 * Not streamed behind a skeleton: the page decides whether the workload exists before the first
 * byte, so a name that names nothing is a real 404, not a 200 with a "not found" body.
 */
export default async function WorkloadPage({ params, searchParams }: { params: Params; searchParams: SearchParams }) {
  // pageSession answers an unknown cluster with a 404 naming the configured ones.
  const session = await pageSession(params);
  const p = await params;
  const ref = { namespace: decodeURIComponent(p.namespace), kind: decodeURIComponent(p.kind), name: decodeURIComponent(p.name) };
  const page = parsePage((await searchParams).page);
  const view = await getWorkloadDetail(ref, session);
  if (!view) {
    // Not found, or the cluster never answered: say which.
    const outage = await clusterOutage(session);
    if (outage) return <ClusterUnreachable server={outage.server} code={outage.code} message={outage.message} />;
    notFound();
  }
  const queryClient = getQueryClient();
  queryClient.setQueryData(workloadDetailOptions(session.cluster.id, ref, page).queryKey, pageOfWorkloadDetail(view, page));
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <WorkloadDetailLive workloadRef={ref} page={page} />
    </HydrationBoundary>
  );
}
