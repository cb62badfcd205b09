'use client';

import { Banner } from '@/components/ui/banner';
import { cn } from '@/components/ui/cn';
import { formatClock, secondsSince } from '@/components/ui/format';
import { useNow } from '@/components/ui/use-now';
import type { Freshness } from '@/lib/fleet/views';

type FreshnessError = Freshness['errors'][number];

/** Access errors are answers, not outages: they are shown where the data would be, not as staleness. */
export function isAccessError(e: FreshnessError): boolean {
  return e.code === 401 || e.code === 403;
}

function describe(e: FreshnessError): string {
  const where = e.namespace ? `${e.resource} in ${e.namespace}` : e.resource;
  return `${where}: ${e.code ? `${e.code} ` : ''}${e.message}`;
}

/**
 * A first list still running (a big cluster just after a start): what has been read so far, or
 * null when every list is complete. The data shown is partial, not stale.
 */
export function partialState(freshness: Freshness | undefined): string | null {
  const listing = freshness?.listing;
  if (!listing || listing.length === 0) return null;
  return listing
    .map(
      (l) =>
        `${l.resource}${l.namespace ? ` in ${l.namespace}` : ''}: ${l.listed.toLocaleString('en')}${l.total ? ` of ${l.total.toLocaleString('en')}` : ''} read`,
    )
    .join('; ');
}

export interface StaleState {
  since: string;
  reason: string;
}

/**
 * Whether what is on screen is stale, and why: either the server's watch cache says it is not
 * live, or the dashboard's own JSON route did not answer (then the data is as old as the last answer).
 */
export function staleState(freshness: Freshness | undefined, fetchError: Error | null, dataUpdatedAt: number): StaleState | null {
  if (fetchError) {
    return {
      since: new Date(dataUpdatedAt || Date.now()).toISOString(),
      reason: `the dashboard server did not answer (${fetchError.message})`,
    };
  }
  if (freshness && !freshness.live) {
    const outage = freshness.errors.filter((e) => !isAccessError(e));
    // Only 401/403s: the data we may read is current; those are shown in place, not as staleness.
    if (outage.length === 0 && freshness.errors.length > 0) return null;
    // Still reading the cluster for the first time: partial (said so), not stale.
    if (outage.length === 0 && partialState(freshness)) return null;
    return {
      since: freshness.staleSince ?? freshness.generatedAt,
      reason: outage.length > 0 ? outage.map(describe).slice(0, 2).join('; ') : 'the watch on the cluster is not connected',
    };
  }
  return null;
}

/**
 * The stale banner over the last known data. Always mounted, so its region announces when the
 * data goes stale and when it recovers.
 */
export function FreshnessBanner({
  freshness,
  fetchError,
  dataUpdatedAt,
}: {
  freshness: Freshness | undefined;
  fetchError: Error | null;
  dataUpdatedAt: number;
}) {
  const stale = staleState(freshness, fetchError, dataUpdatedAt);
  const partial = stale ? null : partialState(freshness);
  const now = useNow(1000, stale !== null);
  return (
    <div aria-live="polite" aria-atomic="true">
      {stale && (
        <Banner tone="warning" title={<StaleText stale={stale} now={now} />}>
          Showing the last known data. It refreshes by itself when the cluster answers again.
        </Banner>
      )}
      {partial && (
        <Banner tone="info" title={`Still reading the cluster (${partial})`}>
          Counts and lists below cover what has been read so far and grow until it is complete. Rollout previews and actions wait for every
          pod.
        </Banner>
      )}
    </div>
  );
}

function StaleText({ stale, now }: { stale: StaleState; now: number }) {
  const ago = now ? secondsSince(stale.since, now) : secondsSince(stale.since);
  return (
    <span suppressHydrationWarning>
      Data is stale since {formatClock(stale.since)} ({ago} s ago) — {stale.reason}
    </span>
  );
}

/** 401/403 on one resource, shown in place; the rest of the page renders normally. */
export function AccessErrors({ freshness, resources }: { freshness: Freshness | undefined; resources?: string[] }) {
  const errors = (freshness?.errors ?? []).filter((e) => isAccessError(e) && (!resources || resources.includes(e.resource)));
  if (errors.length === 0) return null;
  return (
    <div className="space-y-1">
      {errors.map((e) => (
        <Banner
          key={`${e.resource}/${e.namespace ?? ''}`}
          tone="forbidden"
          title={`No access to ${e.namespace ? `${e.resource} in namespace ${e.namespace}` : e.resource}`}
        >
          {e.code ? `${e.code}: ` : ''}
          {e.message}
        </Banner>
      ))}
    </div>
  );
}

/** "Live" / "Stale" beside a page title, with the time of the data shown. */
export function LiveIndicator({
  freshness,
  fetchError,
  dataUpdatedAt,
  className,
}: {
  freshness: Freshness | undefined;
  fetchError: Error | null;
  dataUpdatedAt: number;
  className?: string;
}) {
  const stale = staleState(freshness, fetchError, dataUpdatedAt);
  const partial = !stale && partialState(freshness) !== null;
  const at = freshness?.generatedAt;
  return (
    <p className={cn('flex items-center gap-1.5 text-xs text-zinc-600 dark:text-zinc-400', className)}>
      <span
        aria-hidden="true"
        className={cn(
          'inline-block size-2 rounded-full',
          stale ? 'bg-amber-500' : partial ? 'bg-sky-500' : 'animate-pulse bg-emerald-500 motion-reduce:animate-none',
        )}
      />
      <span className="font-medium">{stale ? 'Stale' : partial ? 'Partial' : 'Live'}</span>
      {at && (
        <span>
          · as of{' '}
          <time dateTime={at} suppressHydrationWarning>
            {formatClock(at)}
          </time>
        </span>
      )}
    </p>
  );
}
