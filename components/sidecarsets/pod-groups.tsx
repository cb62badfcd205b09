'use client';

import Link from 'next/link';
import { memo, useMemo, useState } from 'react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { ToneIcon } from '@/components/ui/status-pill';
import { workloadsHref } from '@/components/workloads/links';
import { PodSidecarTable } from '@/components/workloads/pod-sidecar-table';
import type { PodGroup } from '@/lib/fleet/views';
import { useCluster } from '@/components/shell/cluster-scope';

/** Rows drawn per group at first; the rest on request (a group can hold hundreds of pods). */
const FIRST_ROWS = 20;

/** Pods grouped by the revision they run, updated groups first. */
export const PodGroups = memo(function PodGroups({ groups, sidecarSet }: { groups: PodGroup[]; sidecarSet: string }) {
  if (groups.length === 0) {
    return <p className="text-sm text-zinc-600 dark:text-zinc-400">No running pod carries this SidecarSet's sidecars.</p>;
  }
  return (
    <div className="space-y-2">
      {groups.map((g, i) => (
        <PodGroupView key={`${g.revision ?? 'none'}-${g.updated}`} group={g} sidecarSet={sidecarSet} open={i < 2} />
      ))}
    </div>
  );
});

const PodGroupView = memo(function PodGroupView({ group: g, sidecarSet, open }: { group: PodGroup; sidecarSet: string; open: boolean }) {
  const cluster = useCluster().id;
  const [limit, setLimit] = useState(FIRST_ROWS);
  const title = g.revision ? `Revision ${g.revisionNumber !== undefined ? `#${g.revisionNumber}` : g.revision}` : 'Unknown revision';
  // Only this SidecarSet's sidecars: the pod's other sidecars belong to other pages.
  const pods = useMemo(
    () => g.pods.slice(0, limit).map((p) => ({ ...p, sidecars: p.sidecars.filter((s) => s.sidecarSet === sidecarSet) })),
    [g.pods, limit, sidecarSet],
  );
  const hiddenHere = g.pods.length - pods.length;
  return (
    <details open={open} className="group rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
      <summary className="flex cursor-pointer list-none items-center gap-2 px-3 py-2 [&::-webkit-details-marker]:hidden">
        <span aria-hidden="true" className="text-zinc-600 dark:text-zinc-400 transition-transform group-open:rotate-90">
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
        {g.revision && <span className="font-mono text-[11px] text-zinc-600 dark:text-zinc-400">{g.revision}</span>}
      </summary>
      <div className="space-y-1 px-2 pb-2">
        <PodSidecarTable pods={pods} caption={`Pods on ${title} of ${sidecarSet}`} showWorkload />
        <div className="flex flex-wrap items-center gap-2 px-1 text-xs text-zinc-600 dark:text-zinc-400">
          {(hiddenHere > 0 || g.total > g.pods.length) && (
            <span>
              Showing {pods.length} of {g.total}.
            </span>
          )}
          {hiddenHere > 0 && (
            <Button size="sm" onClick={() => setLimit(g.pods.length)}>
              Show {hiddenHere} more
            </Button>
          )}
          {g.total > g.pods.length && (
            <Link prefetch={false} href={workloadsHref(cluster, `?sidecarset=${encodeURIComponent(sidecarSet)}`)}>
              Every workload of {sidecarSet}
            </Link>
          )}
        </div>
      </div>
    </details>
  );
});
