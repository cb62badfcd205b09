import { dehydrate, HydrationBoundary } from '@tanstack/react-query';
import type { Metadata } from 'next';
import { connection } from 'next/server';
import { Suspense } from 'react';
import { AcrossClustersLive } from '@/components/clusters/across-clusters-live';
import { AcrossClustersSkeleton } from '@/components/shell/page-skeletons';
import { PageHeader } from '@/components/ui/page-header';
import { getAcrossClusters, getImageSearch } from '@/lib/k8s/across-clusters';
import { getQueryClient } from '@/lib/query/get-query-client';
import { parseImageQuery } from '@/lib/query/image-query';
import { acrossClustersOptions, imageSearchOptions } from '@/lib/query/options';

export const metadata: Metadata = { title: 'Across clusters' };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default function AcrossClustersPage({ searchParams }: { searchParams: SearchParams }) {
  return (
    <>
      <PageHeader
        title="Across clusters"
        description="Each SidecarSet in every cluster, side by side: images, revision, rollout state and pods. Clusters whose images differ are flagged."
      />
      <Suspense fallback={<AcrossClustersSkeleton />}>
        <Across searchParams={searchParams} />
      </Suspense>
    </>
  );
}

async function Across({ searchParams }: { searchParams: SearchParams }) {
  await connection();
  const image = parseImageQuery((await searchParams).image);
  const queryClient = getQueryClient();
  await Promise.all([
    queryClient.fetchQuery({ ...acrossClustersOptions(), queryFn: () => getAcrossClusters() }),
    image ? queryClient.fetchQuery({ ...imageSearchOptions(image), queryFn: () => getImageSearch(image) }) : undefined,
  ]);
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <AcrossClustersLive />
    </HydrationBoundary>
  );
}
