'use client';

import Link from 'next/link';
import { useEffect, useTransition } from 'react';
import { Button, buttonVariants } from '@/components/ui/button';
import { XCircleIcon } from '@/components/ui/icons';

/**
 * An unexpected failure while rendering a page (the cluster's own outages are shown in place, as
 * stale data or the "cluster is not answering" panel). Offers a retry that re-fetches the page.
 */
export default function PageError({ error, retry }: { error: unknown; retry: () => void }) {
  const [pending, startTransition] = useTransition();
  useEffect(() => {
    console.error(error);
  }, [error]);
  const digest = error instanceof Error ? (error as Error & { digest?: string }).digest : undefined;
  return (
    <div role="alert" className="mx-auto mt-8 max-w-xl rounded-lg border border-red-300 bg-white p-5 dark:border-red-900 dark:bg-zinc-900">
      <h1 className="flex items-center gap-2 text-base font-semibold">
        <XCircleIcon className="size-5 text-red-600 dark:text-red-400" />
        This page could not be shown
      </h1>
      <p className="mt-2 text-sm text-zinc-700 dark:text-zinc-300">
        The dashboard server failed while preparing it. This is usually passing: the cluster did not answer in time, or the server was
        restarting.
      </p>
      {digest && <p className="mt-2 font-mono text-xs text-zinc-600 dark:text-zinc-400">Error id {digest} (in the server log)</p>}
      <div className="mt-4 flex gap-2">
        <Button variant="primary" disabled={pending} onClick={() => startTransition(() => retry())}>
          {pending ? 'Retrying…' : 'Try again'}
        </Button>
        <Link href="/" className={buttonVariants({ variant: 'secondary' })}>
          Go to the overview
        </Link>
      </div>
    </div>
  );
}
