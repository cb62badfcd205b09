import { dehydrate, HydrationBoundary } from '@tanstack/react-query';
import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { Suspense } from 'react';
import { SidecarSetSkeleton } from '@/components/shell/page-skeletons';
import { clusterOutage } from '@/components/shell/cluster-gate';
import { ClusterUnreachable } from '@/components/shell/cluster-unreachable';
import { SidecarSetDetailLive } from '@/components/sidecarsets/sidecarset-detail-live';
import { getSidecarSetDetail } from '@/lib/k8s/fleet';
import { type ClusterSession, pageSession } from '@/app/_lib/page-cluster';
import { getQueryClient } from '@/lib/query/get-query-client';
import { sidecarSetOptions } from '@/lib/query/options';

type Params = Promise<{ cluster: string; name: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { name } = await params;
  return { title: `SidecarSet ${decodeURIComponent(name)}` };
}

export default async function SidecarSetPage({ params }: { params: Params }) {
  // The cluster first, outside the streamed part: an unknown one answers 404 before anything is sent.
  const session = await pageSession(params);
  return (
    <Suspense fallback={<SidecarSetSkeleton />}>
      <SidecarSet session={session} params={params} />
    </Suspense>
  );
}

async function SidecarSet({ session, params }: { session: ClusterSession; params: Params }) {
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
