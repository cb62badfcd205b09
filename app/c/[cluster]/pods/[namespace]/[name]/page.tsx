import { dehydrate, HydrationBoundary } from '@tanstack/react-query';
import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { Suspense } from 'react';
import { PodSkeleton } from '@/components/shell/page-skeletons';
import { clusterOutage } from '@/components/shell/cluster-gate';
import { ClusterUnreachable } from '@/components/shell/cluster-unreachable';
import { PodDetailLive } from '@/components/pods/pod-detail-live';
import { getPodDetail } from '@/lib/k8s/fleet';
import { type ClusterSession, pageSession } from '@/app/_lib/page-cluster';
import { getQueryClient } from '@/lib/query/get-query-client';
import { podOptions } from '@/lib/query/options';

type Params = Promise<{ cluster: string; namespace: string; name: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { name } = await params;
  return { title: `Pod ${decodeURIComponent(name)}` };
}

export default async function PodPage({ params }: { params: Params }) {
  // The cluster first, outside the streamed part: an unknown one answers 404 before anything is sent.
  const session = await pageSession(params);
  return (
    <Suspense fallback={<PodSkeleton />}>
      <Pod session={session} params={params} />
    </Suspense>
  );
}

async function Pod({ session, params }: { session: ClusterSession; params: Params }) {
  const p = await params;
  const namespace = decodeURIComponent(p.namespace);
  const name = decodeURIComponent(p.name);
  const view = await getPodDetail(namespace, name, session);
  if (!view) {
    // Not found, or the cluster never answered: say which.
    const outage = await clusterOutage(session);
    if (outage) return <ClusterUnreachable server={outage.server} code={outage.code} message={outage.message} />;
    notFound();
  }
  const queryClient = getQueryClient();
  queryClient.setQueryData(podOptions(session.cluster.id, namespace, name).queryKey, view);
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <PodDetailLive namespace={namespace} name={name} />
    </HydrationBoundary>
  );
}
