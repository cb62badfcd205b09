'use client';

import Link from 'next/link';
import { useParams } from 'next/navigation';
import { buttonVariants } from '@/components/ui/button';
import type { ClusterRef } from '@/lib/fleet/views';
import { clusterPath } from './cluster-paths';

/**
 * The 404 of a cluster page. Says which it is: a cluster that is not configured (with the ones
 * that are), or a name that is not in this cluster now (with the way back to its lists).
 */
export function ClusterNotFound({ clusters }: { clusters: ClusterRef[] }) {
  const params = useParams<{ cluster?: string }>();
  const id = decodeURIComponent(params.cluster ?? '');
  const cluster = clusters.find((c) => c.id === id);
  return (
    <div className="mx-auto mt-8 max-w-xl rounded-lg border border-zinc-200 bg-white p-5 dark:border-zinc-800 dark:bg-zinc-900">
      {cluster ? (
        <>
          <h1 className="text-base font-semibold">Not found in cluster {cluster.name}</h1>
          <p className="mt-2 text-sm text-zinc-700 dark:text-zinc-300">
            Nothing by that name is in the cluster {cluster.name} now. It may have been deleted, it may exist only in another cluster, or
            the link is mistyped.
          </p>
          <div className="mt-4 flex flex-wrap gap-2">
            <Link href={clusterPath(cluster.id)} className={buttonVariants({ variant: 'primary' })}>
              Overview of {cluster.name}
            </Link>
            <Link href={clusterPath(cluster.id, '/workloads')} className={buttonVariants({ variant: 'secondary' })}>
              Workloads of {cluster.name}
            </Link>
          </div>
        </>
      ) : (
        <>
          <h1 className="text-base font-semibold">Unknown cluster</h1>
          <p className="mt-2 text-sm text-zinc-700 dark:text-zinc-300">
            No cluster “{id}” is configured in this dashboard.{' '}
            {clusters.length > 0 ? 'These are:' : 'No cluster is configured at all: set KUBECONFIG or start it with npm start.'}
          </p>
          {clusters.length > 0 && (
            <ul className="mt-3 flex flex-wrap gap-2" aria-label="Configured clusters">
              {clusters.map((c) => (
                <li key={c.id}>
                  <Link href={clusterPath(c.id)} className={buttonVariants({ variant: 'secondary' })}>
                    {c.name}
                  </Link>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </div>
  );
}
