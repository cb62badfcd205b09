import Link from 'next/link';
import { memo } from 'react';
import { Age } from '@/components/ui/age';
import { EmptyState } from '@/components/ui/empty-state';
import { SafeText } from '@/components/ui/safe-text';
import { ToneIcon } from '@/components/ui/status-pill';
import type { EventRow } from '@/lib/fleet/views';

/** One event on a timeline (an <li> of an <ol> with a left rule). Warnings carry an icon and the word, not only colour. */
export function EventLine({ event: e, href }: { event: EventRow; href?: string }) {
  const warning = e.type === 'Warning';
  const involved = `${e.involved.kind} ${e.involved.namespace ? `${e.involved.namespace}/` : ''}${e.involved.name}`;
  return (
    <li className="relative py-1.5">
      <span className="absolute top-2.5 -left-[23px] flex size-3.5 items-center justify-center rounded-full bg-white dark:bg-zinc-950">
        <ToneIcon icon={warning ? 'alert' : 'dot'} tone={warning ? 'warning' : 'neutral'} />
      </span>
      <p className="flex flex-wrap items-baseline gap-x-2 text-sm">
        <span className="font-medium">
          <SafeText text={e.reason} max={80} />
        </span>
        {warning && <span className="text-xs font-medium text-amber-800 dark:text-amber-300">Warning</span>}
        <span className="text-xs text-zinc-600 dark:text-zinc-400">
          {href ? (
            <Link prefetch={false} href={href}>
              {involved}
            </Link>
          ) : (
            involved
          )}
        </span>
        <span className="text-xs text-zinc-600 dark:text-zinc-400">
          <Age iso={e.lastTimestamp} /> ago{e.count > 1 ? ` · ×${e.count}` : ''}
          {e.source ? ` · ${e.source}` : ''}
        </span>
      </p>
      <p className="text-xs text-zinc-700 dark:text-zinc-300">
        <SafeText text={e.message} />
      </p>
    </li>
  );
}

export const timelineClass = 'relative space-y-0 border-l border-zinc-200 pl-4 dark:border-zinc-800';

/** Events of an object and its pods, newest first. */
export const EventsTimeline = memo(function EventsTimeline({ events, label }: { events: EventRow[]; label: string }) {
  if (events.length === 0) return <EmptyState title="No recent events" />;
  const sorted = [...events].sort((a, b) => (b.lastTimestamp ?? '').localeCompare(a.lastTimestamp ?? ''));
  return (
    <ol aria-label={label} className={timelineClass}>
      {sorted.map((e, i) => (
        <EventLine key={`${e.lastTimestamp}-${e.reason}-${i}`} event={e} />
      ))}
    </ol>
  );
});
