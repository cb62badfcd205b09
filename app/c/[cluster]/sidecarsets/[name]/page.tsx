import { dehydrate, HydrationBoundary } from '@tanstack/react-query';
import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { connection } from 'next/server';
import { Suspense } from 'react';
import { SidecarSetSkeleton } from '@/components/shell/page-skeletons';
import { clusterOutage } from '@/components/shell/cluster-gate';
import { ClusterUnreachable } from '@/components/shell/cluster-unreachable';
import { SidecarSetDetailLive } from '@/components/sidecarsets/sidecarset-detail-live';
import { getSidecarSetDetail } from '@/lib/k8s/fleet';
import { getQueryClient } from '@/lib/query/get-query-client';
import { sidecarSetOptions } from '@/lib/query/options';

type Params = Promise<{ name: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { name } = await params;
  return { title: `SidecarSet ${decodeURIComponent(name)}` };
}

export default function SidecarSetPage({ params }: { params: Params }) {
  return (
    <Suspense fallback={<SidecarSetSkeleton />}>
      <SidecarSet params={params} />
    </Suspense>
  );
}

async function SidecarSet({ params }: { params: Params }) {
  await connection();
  const name = decodeURIComponent((await params).name);
  const view = await getSidecarSetDetail(name);
  if (!view) {
    // Not found, or the cluster never answered: say which.
    const outage = await clusterOutage();
    if (outage) return <ClusterUnreachable server={outage.server} code={outage.code} message={outage.message} />;
    notFound();
  }
  const queryClient = getQueryClient();
  queryClient.setQueryData(sidecarSetOptions(name).queryKey, view);
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <SidecarSetDetailLive name={name} />
    </HydrationBoundary>
  );
}
