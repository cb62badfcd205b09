'use client';

import Link from 'next/link';
import { memo, useId, useState } from 'react';
import { EventLine, timelineClass } from '@/components/sidecarsets/events-timeline';
import { useCluster } from '@/components/shell/cluster-scope';
import { Age } from '@/components/ui/age';
import { Badge } from '@/components/ui/badge';
import { cn } from '@/components/ui/cn';
import { EmptyState } from '@/components/ui/empty-state';
import { plural } from '@/components/ui/format';
import { SafeText } from '@/components/ui/safe-text';
import { ToneIcon } from '@/components/ui/status-pill';
import { podHref, workloadHref } from '@/components/workloads/links';
import type { EventGroup, EventGroups } from '@/lib/fleet/views';

/**
 * Events grouped by what they say, most recently seen first: a rollout over thousands of pods
 * reads as a few lines ("Killing ×3,200 on 3,200 pods of 12 workloads"), each opened on request
 * to its newest events. The answer carries at most 50 groups of 20 events; what it leaves out is
 * counted here.
 */
export const EventGroupsList = memo(function EventGroupsList({ data, label }: { data: EventGroups; label: string }) {
  if (data.totalGroups === 0) return <EmptyState title="No recent events" />;
  const shownEvents = data.groups.reduce((n, g) => n + g.events, 0);
  const leftGroups = data.totalGroups - data.groups.length;
  return (
    <div className="space-y-2">
      <p className="text-xs text-zinc-600 dark:text-zinc-400">
        {plural(data.totalEvents, 'event')} ({plural(data.totalCount, 'occurrence')}) in {plural(data.totalGroups, 'group')}.
      </p>
      <ul aria-label={label} className="space-y-2">
        {data.groups.map((g) => (
          <EventGroupItem key={g.id} group={g} />
        ))}
      </ul>
      {leftGroups > 0 && (
        <p className="text-xs text-zinc-600 dark:text-zinc-400">
          {plural(leftGroups, 'older group')} ({plural(data.totalEvents - shownEvents, 'event')}) not shown: only the {data.groups.length}{' '}
          most recently seen are.
        </p>
      )}
    </div>
  );
});

function objectsLabel(g: EventGroup): string {
  if (g.kinds.length === 1 && g.kinds[0] === 'Pod') return plural(g.objects, 'pod');
  if (g.kinds.length === 1 && g.kinds[0]) return plural(g.objects, g.kinds[0]);
  return plural(g.objects, 'object');
}

const EventGroupItem = memo(function EventGroupItem({ group: g }: { group: EventGroup }) {
  const cluster = useCluster().id;
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const warning = g.type === 'Warning';
  const more = g.events - g.newest.length;
  return (
    <li
      className={cn(
        'rounded-lg border bg-white dark:bg-zinc-900',
        warning ? 'border-amber-300 dark:border-amber-800' : 'border-zinc-200 dark:border-zinc-800',
      )}
    >
      <div className="space-y-1 px-3 py-2">
        <h3 className="text-sm">
          <button
            type="button"
            aria-expanded={open}
            aria-controls={panelId}
            onClick={() => setOpen((o) => !o)}
            className="flex w-full flex-wrap items-center gap-x-2 gap-y-1 rounded text-left"
          >
            <span aria-hidden="true" className={cn('text-zinc-600 transition-transform dark:text-zinc-400', open && 'rotate-90')}>
              ▸
            </span>
            {/* Spaces between the parts: the button's name reads "BackOff Warning ×20 on 5 pods". */}
            <span className="font-medium">
              <SafeText text={g.reason} max={80} />
            </span>{' '}
            {warning && (
              <>
                <Badge variant="warning">
                  <ToneIcon icon="alert" tone="warning" />
                  Warning
                </Badge>{' '}
              </>
            )}
            <span className="text-xs font-normal text-zinc-600 tabular-nums dark:text-zinc-400">
              ×{g.count} on {objectsLabel(g)}
            </span>
          </button>
        </h3>
        <p className="text-xs text-zinc-700 dark:text-zinc-300">
          <SafeText text={g.message} />
        </p>
        <p className="flex flex-wrap gap-x-3 gap-y-1 text-xs text-zinc-600 dark:text-zinc-400">
          <span>
            {g.firstTimestamp && g.firstTimestamp !== g.lastTimestamp ? (
              <>
                First <Age iso={g.firstTimestamp} /> ago, last <Age iso={g.lastTimestamp} /> ago
              </>
            ) : (
              <>
                <Age iso={g.lastTimestamp} /> ago
              </>
            )}
          </span>
          <span>{plural(g.events, 'event')}</span>
        </p>
        {g.workloadsTotal > 0 && (
          <p className="text-xs text-zinc-600 dark:text-zinc-400">
            {g.workloadsTotal === 1 ? 'Workload' : 'Workloads'}:{' '}
            {g.workloads.map((w, i) => (
              <span key={`${w.kind}/${w.namespace}/${w.name}`}>
                {i > 0 && ', '}
                <Link prefetch={false} href={workloadHref(cluster, w)} title={`${w.kind} ${w.namespace}/${w.name}`}>
                  {w.namespace}/{w.name}
                </Link>{' '}
                <span className="tabular-nums">(×{w.count})</span>
              </span>
            ))}
            {g.workloadsTotal > g.workloads.length && <> and {plural(g.workloadsTotal - g.workloads.length, 'more workload')}</>}
          </p>
        )}
      </div>
      <div id={panelId} hidden={!open} className="border-t border-zinc-200 px-3 py-2 dark:border-zinc-800">
        {open && (
          <>
            <ol aria-label={`Newest events: ${g.reason}`} className={timelineClass}>
              {g.newest.map((e, i) => (
                <EventLine
                  key={`${e.involved.kind}/${e.involved.namespace ?? ''}/${e.involved.name}/${e.lastTimestamp}/${i}`}
                  event={e}
                  href={
                    e.involved.kind === 'Pod' && e.involved.namespace ? podHref(cluster, e.involved.namespace, e.involved.name) : undefined
                  }
                />
              ))}
            </ol>
            {more > 0 && (
              <p className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">
                {plural(more, 'more event')} in this group, not shown: the {g.newest.length} newest are.
              </p>
            )}
          </>
        )}
      </div>
    </li>
  );
});
