import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import { ToneIcon } from '@/components/ui/status-pill';
import { PodSidecarTable } from '@/components/workloads/pod-sidecar-table';
import type { PodGroup } from '@/lib/fleet/views';
import { memo } from 'react';

/** Pods grouped by the revision they run, updated groups first; each group shows its first page. */
export const PodGroups = memo(function PodGroups({ groups, sidecarSet }: { groups: PodGroup[]; sidecarSet: string }) {
  if (groups.length === 0) {
    return <p className="text-sm text-zinc-600 dark:text-zinc-400">No running pod carries this SidecarSet's sidecars.</p>;
  }
  return (
    <div className="space-y-2">
      {groups.map((g, i) => {
        const title = g.revision
          ? `Revision ${g.revisionNumber !== undefined ? `#${g.revisionNumber}` : g.revision}`
          : 'Unknown revision';
        const pods = g.pods.map((p) => ({ ...p, sidecars: p.sidecars.filter((s) => s.sidecarSet === sidecarSet) }));
        return (
          <details
            key={`${g.revision ?? 'none'}-${g.updated}`}
            open={i < 2}
            className="group rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900"
          >
            <summary className="flex cursor-pointer list-none items-center gap-2 px-3 py-2 [&::-webkit-details-marker]:hidden">
              <span aria-hidden="true" className="text-zinc-500 transition-transform group-open:rotate-90">
                ▸
              </span>
              <span className="font-medium">{title}</span>
              {g.updated ? (
                <Badge variant="info">
                  <ToneIcon icon="check" tone="success" />
                  latest
                </Badge>
              ) : (
                <Badge variant="warning">
                  <ToneIcon icon="alert" tone="warning" />
                  outdated
                </Badge>
              )}
              <span className="text-xs text-zinc-600 tabular-nums dark:text-zinc-400">
                {g.total} pod{g.total === 1 ? '' : 's'}
              </span>
              {g.revision && <span className="font-mono text-[11px] text-zinc-500">{g.revision}</span>}
            </summary>
            <div className="space-y-1 px-2 pb-2">
              <PodSidecarTable pods={pods} caption={`Pods on ${title} of ${sidecarSet}`} showWorkload />
              {g.total > g.pods.length && (
                <p className="px-1 text-xs text-zinc-600 dark:text-zinc-400">
                  Showing {g.pods.length} of {g.total}.{' '}
                  <Link prefetch={false} href={`/workloads?sidecarset=${encodeURIComponent(sidecarSet)}`}>
                    See every workload of {sidecarSet}
                  </Link>
                </p>
              )}
            </div>
          </details>
        );
      })}
    </div>
  );
});
