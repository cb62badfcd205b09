import { cn } from './cn';

export function Skeleton({ className }: { className?: string }) {
  return <div aria-hidden="true" className={cn('animate-pulse rounded bg-zinc-200 dark:bg-zinc-800', className)} />;
}

/** A placeholder for a table while its section streams in. */
export function TableSkeleton({ rows = 8, columns = 6, label }: { rows?: number; columns?: number; label: string }) {
  return (
    <div role="status" aria-live="polite" className="rounded-lg border border-zinc-200 p-3 dark:border-zinc-800">
      <span className="sr-only">{label}</span>
      <div className="space-y-2">
        {Array.from({ length: rows }, (_, r) => (
          <div key={r} className="flex gap-3">
            {Array.from({ length: columns }, (_, c) => (
              <Skeleton key={c} className={c === 0 ? 'h-4 flex-[2]' : 'h-4 flex-1'} />
            ))}
          </div>
        ))}
      </div>
    </div>
  );
}

export function CardsSkeleton({ count = 5, label }: { count?: number; label: string }) {
  return (
    <div role="status" className="grid grid-cols-2 gap-2 sm:grid-cols-3 lg:grid-cols-6">
      <span className="sr-only">{label}</span>
      {Array.from({ length: count }, (_, i) => (
        <Skeleton key={i} className="h-16" />
      ))}
    </div>
  );
}
