import { CardsSkeleton, Skeleton, TableSkeleton } from '@/components/ui/skeleton';

/**
 * Placeholders shaped like the list pages, shown while their data streams in (and by loading.tsx on
 * navigation). Detail pages are not streamed: they answer 404 for a name that names nothing.
 */

export function OverviewSkeleton() {
  return (
    <div className="space-y-4">
      <Skeleton className="h-4 w-48" />
      <CardsSkeleton count={6} label="Loading fleet totals…" />
      <Skeleton className="h-16 w-full" />
      <TableSkeleton rows={8} columns={8} label="Loading SidecarSets…" />
    </div>
  );
}

export function WorkloadsSkeleton() {
  return (
    <div className="space-y-3">
      <div className="flex gap-2">
        {Array.from({ length: 6 }, (_, i) => (
          <Skeleton key={i} className="h-12 w-36" />
        ))}
      </div>
      <TableSkeleton rows={12} columns={7} label="Loading workloads…" />
    </div>
  );
}

export function AcrossClustersSkeleton() {
  return (
    <div className="space-y-4">
      <div className="flex gap-2">
        {Array.from({ length: 3 }, (_, i) => (
          <Skeleton key={i} className="h-14 w-56" />
        ))}
      </div>
      <Skeleton className="h-9 w-96" />
      <TableSkeleton rows={6} columns={4} label="Reading every cluster…" />
    </div>
  );
}
