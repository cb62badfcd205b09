import { dehydrate, HydrationBoundary } from '@tanstack/react-query';
import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { clusterOutage } from '@/components/shell/cluster-gate';
import { ClusterUnreachable } from '@/components/shell/cluster-unreachable';
import { SidecarSetDetailLive } from '@/components/sidecarsets/sidecarset-detail-live';
import { getSidecarSetDetail } from '@/lib/k8s/fleet';
import { pageSession } from '@/app/_lib/page-cluster';
import { getQueryClient } from '@/lib/query/get-query-client';
import { sidecarSetOptions } from '@/lib/query/options';

type Params = Promise<{ cluster: string; name: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { name } = await params;
  return { title: `SidecarSet ${decodeURIComponent(name)}` };
}

/**
 * Not streamed behind a skeleton: the page decides whether the object exists before the first
 * byte, so a name that names nothing is a real 404, not a 200 with a "not found" body.
 */
export default async function SidecarSetPage({ params }: { params: Params }) {
  // pageSession answers an unknown cluster with a 404 naming the configured ones.
  const session = await pageSession(params);
  const name = decodeURIComponent((await params).name);
  const view = await getSidecarSetDetail(name, undefined, session);
  if (!view) {
    // Not found, or the cluster never answered: say which.
    const outage = await clusterOutage(session);
    if (outage) return <ClusterUnreachable server={outage.server} code={outage.code} message={outage.message} />;
    notFound();
  }
  const queryClient = getQueryClient();
  queryClient.setQueryData(sidecarSetOptions(session.cluster.id, name).queryKey, view);
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <SidecarSetDetailLive name={name} />
    </HydrationBoundary>
  );
}
