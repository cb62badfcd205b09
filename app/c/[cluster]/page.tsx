import { dehydrate, HydrationBoundary } from '@tanstack/react-query';
import type { Metadata } from 'next';
import { Suspense } from 'react';
import { OverviewSkeleton } from '@/components/shell/page-skeletons';
import { ClusterUnreachable } from '@/components/shell/cluster-unreachable';
import { OverviewLive } from '@/components/overview/overview-live';
import { PageHeader } from '@/components/ui/page-header';
import { getOverview } from '@/lib/k8s/fleet';
import { type ClusterSession, pageSession } from '@/app/_lib/page-cluster';
import { getQueryClient } from '@/lib/query/get-query-client';
import { overviewOptions } from '@/lib/query/options';

export const metadata: Metadata = { title: 'Fleet overview' };

type Params = Promise<{ cluster: string }>;

export default async function OverviewPage({ params }: { params: Params }) {
  // The cluster first, outside the streamed part: an unknown one answers 404 before anything is sent.
  const session = await pageSession(params);
  return (
    <>
      <PageHeader
        title="Fleet overview"
        description="Every SidecarSet in this cluster: its images, how far its rollout got, and why it is where it is."
      />
      <Suspense fallback={<OverviewSkeleton />}>
        <Overview session={session} />
      </Suspense>
    </>
  );
}

async function Overview({ session }: { session: ClusterSession }) {
  const queryClient = getQueryClient();
  const view = await queryClient.fetchQuery({ ...overviewOptions(session.cluster.id), queryFn: () => getOverview(session) });
  if (view.cluster.error && view.sidecarSets.length === 0 && view.totals.pods === 0) {
    return <ClusterUnreachable server={view.cluster.server} code={view.cluster.error.code} message={view.cluster.error.message} />;
  }
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <OverviewLive />
    </HydrationBoundary>
  );
}
