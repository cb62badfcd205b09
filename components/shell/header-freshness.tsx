'use client';

import { useQuery } from '@tanstack/react-query';
import { cn } from '@/components/ui/cn';
import { pulseOptions } from '@/lib/query/options';
import { partialState, staleState } from '@/components/live/freshness';

/** A small Live / Stale marker in the header, from the cheap pulse route. */
export function HeaderFreshness({ cluster }: { cluster: string }) {
  const { data, error, dataUpdatedAt } = useQuery(pulseOptions(cluster));
  if (!data && !error) return null;
  const stale = staleState(data?.freshness, error, dataUpdatedAt);
  const partial = stale ? null : partialState(data?.freshness);
  return (
    <span
      className={cn(
        'inline-flex items-center gap-1 rounded px-1 font-medium',
        stale
          ? 'text-amber-800 dark:text-amber-300'
          : partial
            ? 'text-sky-800 dark:text-sky-300'
            : 'text-emerald-800 dark:text-emerald-300',
      )}
      title={
        stale
          ? `Stale: ${stale.reason}`
          : partial
            ? `Still reading the cluster: ${partial}`
            : 'Watching the cluster: changes show within about 2 seconds'
      }
    >
      <span
        aria-hidden="true"
        className={cn('inline-block size-1.5 rounded-full', stale ? 'bg-amber-500' : partial ? 'bg-sky-500' : 'bg-emerald-500')}
      />
      {stale ? 'Stale' : partial ? 'Partial' : 'Live'}
    </span>
  );
}
