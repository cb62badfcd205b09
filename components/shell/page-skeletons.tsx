import { CardsSkeleton, Skeleton, TableSkeleton } from '@/components/ui/skeleton';

/** Placeholders shaped like each page, shown while its data streams in (and by loading.tsx on navigation). */

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

export function WorkloadSkeleton() {
  return (
    <div className="space-y-4">
      <Skeleton className="h-3 w-48" />
      <Skeleton className="h-6 w-72" />
      <div className="grid gap-2 sm:grid-cols-4">
        {Array.from({ length: 4 }, (_, i) => (
          <Skeleton key={i} className="h-16" />
        ))}
      </div>
      <TableSkeleton rows={10} columns={9} label="Loading pods…" />
    </div>
  );
}

export function SidecarSetSkeleton() {
  return (
    <div className="space-y-4">
      <Skeleton className="h-3 w-32" />
      <Skeleton className="h-6 w-64" />
      <Skeleton className="h-24 w-full" />
      <div className="grid gap-3 lg:grid-cols-3">
        <Skeleton className="h-40" />
        <Skeleton className="h-40" />
        <Skeleton className="h-40" />
      </div>
      <TableSkeleton rows={6} columns={5} label="Loading the SidecarSet…" />
    </div>
  );
}

export function PodSkeleton() {
  return (
    <div className="space-y-4">
      <Skeleton className="h-3 w-48" />
      <Skeleton className="h-6 w-80" />
      <TableSkeleton rows={3} columns={8} label="Loading the pod…" />
      <TableSkeleton rows={4} columns={6} label="Loading containers…" />
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
