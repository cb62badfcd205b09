'use client';

import { useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect, useTransition } from 'react';
import { Button } from '@/components/ui/button';
import { XCircleIcon } from '@/components/ui/icons';
import { clusterOptions } from '@/lib/query/options';
import { useCluster } from './cluster-scope';

/**
 * The cluster did not answer when this page was first rendered, so there is no last known data
 * to show. Says so plainly, retries by itself every few seconds, and offers a retry now.
 */
export function ClusterUnreachable({ server, message, code }: { server?: string; message: string; code?: number }) {
  const cluster = useCluster();
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const { data } = useQuery({ ...clusterOptions(cluster.id), refetchInterval: 3000, staleTime: 0 });
  const recovered = data !== undefined && !data.error;

  useEffect(() => {
    if (recovered) startTransition(() => router.refresh());
  }, [recovered, router]);

  const forbidden = code === 401 || code === 403;
  return (
    <div role="alert" className="mx-auto mt-8 max-w-xl rounded-lg border border-red-300 bg-white p-5 dark:border-red-900 dark:bg-zinc-900">
      <h2 className="flex items-center gap-2 text-base font-semibold">
        <XCircleIcon className="size-5 text-red-600 dark:text-red-400" />
        {forbidden ? 'The cluster refused this identity' : 'The cluster is not answering'}
      </h2>
      <p className="mt-2 text-sm text-zinc-700 dark:text-zinc-300">
        {forbidden
          ? 'The credentials in the kubeconfig were rejected, so there is nothing to show.'
          : 'The dashboard could not reach the Kubernetes API server, and has no earlier data to show.'}
      </p>
      <dl className="mt-3 grid grid-cols-[6rem_1fr] gap-1 text-xs">
        <dt className="text-zinc-600 dark:text-zinc-400">Cluster</dt>
        <dd className="font-medium">{cluster.name}</dd>
        {server && (
          <>
            <dt className="text-zinc-600 dark:text-zinc-400">Server</dt>
            <dd className="font-mono">{server}</dd>
          </>
        )}
        <dt className="text-zinc-600 dark:text-zinc-400">Error</dt>
        <dd className="font-mono break-words">
          {code ? `${code} ` : ''}
          {message}
        </dd>
      </dl>
      <div className="mt-4 flex items-center gap-3">
        <Button variant="primary" onClick={() => startTransition(() => router.refresh())} disabled={pending}>
          {pending ? 'Retrying…' : 'Retry now'}
        </Button>
        <p className="text-xs text-zinc-600 dark:text-zinc-400" aria-live="polite">
          {recovered ? 'The cluster answers again: loading…' : 'Trying again by itself every few seconds.'}
        </p>
      </div>
    </div>
  );
}

/** A cluster whose configuration cannot work (a context naming a cluster entry that does not exist): said in place of its pages. */
export function ClusterConfigError({ name, message }: { name: string; message: string }) {
  return (
    <div role="alert" className="mx-auto mt-8 max-w-xl rounded-lg border border-red-300 bg-white p-5 dark:border-red-900 dark:bg-zinc-900">
      <h1 className="flex items-center gap-2 text-base font-semibold">
        <XCircleIcon className="size-5 text-red-600 dark:text-red-400" />
        The cluster {name} is not configured right
      </h1>
      <p className="mt-2 text-sm text-zinc-700 dark:text-zinc-300">{message}</p>
      <p className="mt-2 text-sm text-zinc-700 dark:text-zinc-300">The other clusters are not affected: choose one in the header.</p>
    </div>
  );
}
