import Link from 'next/link';
import { HealthPill } from '@/components/status/status-pills';
import { EmptyState } from '@/components/ui/empty-state';
import { Table, TBody, Td, Th, THead, Tr } from '@/components/ui/table';
import { workloadHref } from '@/components/workloads/links';
import { SidecarCell } from '@/components/workloads/sidecar-cell';
import type { WorkloadQuery, WorkloadRow } from '@/lib/fleet/views';
import { memo } from 'react';
import { useCluster } from '@/components/shell/cluster-scope';

/**
 * Workloads × sidecars. With a handful of sidecars on the page, one column per sidecar
 * container (a true grid); with more (a 50-SidecarSet fleet), one "Sidecars" column listing
 * each row's own sidecars, so the grid does not become a wall of empty cells.
 */
const MAX_SIDECAR_COLUMNS = 8;

type SortKey = NonNullable<WorkloadQuery['sort']>;

/** Which column header carries aria-sort for each sort key. */
const sortColumn: Record<SortKey, string> = {
  name: 'workload',
  kind: 'workload',
  namespace: 'namespace',
  pods: 'pods',
  ready: 'pods',
  health: 'health',
  outdated: 'drift',
};

export const WorkloadGrid = memo(function WorkloadGrid({
  rows,
  caption,
  sort = 'name',
  dir = 'asc',
}: {
  rows: WorkloadRow[];
  caption: string;
  sort?: SortKey;
  dir?: 'asc' | 'desc';
}) {
  const cluster = useCluster().id;
  const ariaSort = (column: string) =>
    sortColumn[sort] === column ? (dir === 'desc' ? ('descending' as const) : ('ascending' as const)) : undefined;
  if (rows.length === 0) {
    return <EmptyState title="No workloads match">Clear a filter or the search to see more.</EmptyState>;
  }
  const sidecarSetOf = new Map<string, string | undefined>();
  for (const r of rows) {
    for (const [name, entry] of Object.entries(r.sidecars)) {
      if (!sidecarSetOf.has(name) || !sidecarSetOf.get(name)) sidecarSetOf.set(name, entry.sidecarSet);
    }
  }
  const allColumns = [...sidecarSetOf.keys()].sort();
  const compact = allColumns.length > MAX_SIDECAR_COLUMNS;
  const columns = compact ? [] : allColumns;
  return (
    <Table caption={caption}>
      <THead>
        <tr>
          <Th aria-sort={ariaSort('workload')}>Workload</Th>
          <Th aria-sort={ariaSort('namespace')}>Namespace</Th>
          <Th aria-sort={ariaSort('pods')} className="text-right">
            Pods ready
          </Th>
          <Th aria-sort={ariaSort('health')}>Health</Th>
          {columns.map((c) => (
            <Th key={c} title={sidecarSetOf.get(c) ? `SidecarSet ${sidecarSetOf.get(c)}` : undefined}>
              {c}
              {sidecarSetOf.get(c) && (
                <span className="block text-[10px] font-normal text-zinc-600 dark:text-zinc-400">{sidecarSetOf.get(c)}</span>
              )}
            </Th>
          ))}
          {compact && <Th>Sidecars ({allColumns.length} on this page)</Th>}
          <Th aria-sort={ariaSort('drift')}>Drift</Th>
        </tr>
      </THead>
      <TBody>
        {rows.map((r) => (
          <Tr key={`${r.namespace}/${r.kind}/${r.name}`}>
            <Th scope="row">
              <Link prefetch={false} href={workloadHref(cluster, r)} className="font-medium">
                {r.name}
              </Link>
              <span className="block text-[11px] font-normal text-zinc-600 dark:text-zinc-400">{r.kind}</span>
            </Th>
            <Td className="text-xs">{r.namespace}</Td>
            <Td className="text-right tabular-nums">
              {r.readyPods}/{r.pods}
            </Td>
            <Td>
              <HealthPill health={r.health} />
            </Td>
            {columns.map((c) => (
              <Td key={c}>
                <SidecarCell entry={r.sidecars[c]} />
              </Td>
            ))}
            {compact && (
              <Td>
                <SidecarList sidecars={r.sidecars} />
              </Td>
            )}
            <Td className="text-xs">
              <Drift drift={r.drift} />
            </Td>
          </Tr>
        ))}
      </TBody>
    </Table>
  );
});

function Drift({ drift }: { drift: WorkloadRow['drift'] }) {
  const parts: string[] = [];
  if (drift.outdated) parts.push(`${drift.outdated} outdated`);
  if (drift.notUpgradable) parts.push(`${drift.notUpgradable} need recreate`);
  if (drift.neverInjected) parts.push(`${drift.neverInjected} never injected`);
  if (drift.orphaned) parts.push(`${drift.orphaned} orphaned`);
  if (parts.length === 0) return <span className="text-zinc-600 dark:text-zinc-400">none</span>;
  return (
    <ul className="space-y-0.5 text-amber-800 dark:text-amber-300">
      {parts.map((p) => (
        <li key={p} className="whitespace-nowrap">
          {p}
        </li>
      ))}
    </ul>
  );
}

/** Compact mode: this workload's sidecars, each with its versions. */
function SidecarList({ sidecars }: { sidecars: WorkloadRow['sidecars'] }) {
  const entries = Object.entries(sidecars).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return <span className="text-xs text-zinc-600 dark:text-zinc-400">no sidecars</span>;
  return (
    <ul className="flex flex-wrap gap-x-5 gap-y-1">
      {entries.map(([name, entry]) => (
        <li key={name} className="min-w-40">
          <p className="text-xs font-medium">
            {name}
            {entry.sidecarSet && entry.sidecarSet !== name && (
              <span className="font-normal text-zinc-600 dark:text-zinc-400"> · {entry.sidecarSet}</span>
            )}
          </p>
          <SidecarCell entry={entry} />
        </li>
      ))}
    </ul>
  );
}
