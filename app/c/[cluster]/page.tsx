import { dehydrate, HydrationBoundary } from '@tanstack/react-query';
import type { Metadata } from 'next';
import { connection } from 'next/server';
import { Suspense } from 'react';
import { OverviewSkeleton } from '@/components/shell/page-skeletons';
import { ClusterUnreachable } from '@/components/shell/cluster-unreachable';
import { OverviewLive } from '@/components/overview/overview-live';
import { PageHeader } from '@/components/ui/page-header';
import { getOverview } from '@/lib/k8s/fleet';
import { getQueryClient } from '@/lib/query/get-query-client';
import { overviewOptions } from '@/lib/query/options';

export const metadata: Metadata = { title: 'Fleet overview' };

export default function OverviewPage() {
  return (
    <>
      <PageHeader title="Fleet overview" description="Every SidecarSet: its images, how far its rollout got, and why it is where it is." />
      <Suspense fallback={<OverviewSkeleton />}>
        <Overview />
      </Suspense>
    </>
  );
}

async function Overview() {
  await connection();
  const queryClient = getQueryClient();
  const view = await queryClient.fetchQuery({ ...overviewOptions(), queryFn: () => getOverview() });
  if (view.cluster.error && view.sidecarSets.length === 0 && view.totals.pods === 0) {
    return <ClusterUnreachable server={view.cluster.server} code={view.cluster.error.code} message={view.cluster.error.message} />;
  }
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <OverviewLive />
    </HydrationBoundary>
  );
}
