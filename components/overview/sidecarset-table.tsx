import Link from 'next/link';
import { RolloutPill, reasonSeverity, stateRank } from '@/components/status/status-pills';
import { RolloutProgress } from '@/components/sidecarsets/rollout-progress';
import { SidecarSetRowActions, useRowActionsBlocked } from '@/components/rollout/rollout-buttons';
import { sidecarSetHref } from '@/components/workloads/links';
import { Badge } from '@/components/ui/badge';
import { EmptyState } from '@/components/ui/empty-state';
import { imageTag } from '@/components/ui/format';
import { Table, TBody, Td, Th, THead, Tr } from '@/components/ui/table';
import type { SidecarSetSummary } from '@/lib/fleet/views';
import { memo } from 'react';
import { useCluster } from '@/components/shell/cluster-scope';
import { SafeText } from '@/components/ui/safe-text';

/** Stuck first, then paused, progressing...; ties by how many pods the first problem concerns. */
export function sortByAttention(list: SidecarSetSummary[]): SidecarSetSummary[] {
  return [...list].sort(
    (a, b) =>
      stateRank[a.state.kind] - stateRank[b.state.kind] ||
      b.matchedPods - b.updatedPods - (a.matchedPods - a.updatedPods) ||
      a.name.localeCompare(b.name),
  );
}

export const SidecarSetTable = memo(function SidecarSetTable({ sidecarSets }: { sidecarSets: SidecarSetSummary[] }) {
  const cluster = useCluster().id;
  const blocked = useRowActionsBlocked();
  if (sidecarSets.length === 0) {
    return (
      <EmptyState title="No SidecarSets in this cluster">
        Create one with <code>kubectl apply -f</code>; it shows here within a couple of seconds.
      </EmptyState>
    );
  }
  return (
    <Table caption="SidecarSets, those needing attention first" aria-describedby="sidecarsets-heading">
      <THead>
        <tr>
          <Th>SidecarSet</Th>
          <Th>Containers and images</Th>
          <Th className="text-right">Matched</Th>
          <Th className="text-right">Updated</Th>
          <Th className="text-right">Ready</Th>
          <Th className="w-44">Progress</Th>
          <Th>State</Th>
          <Th>Why</Th>
          <Th>
            <span className="sr-only">Actions</span>
          </Th>
        </tr>
      </THead>
      <TBody>
        {sortByAttention(sidecarSets).map((s) => {
          const reasons = [...s.state.reasons].sort((a, b) => order(reasonSeverity[a.code]) - order(reasonSeverity[b.code]));
          return (
            <Tr key={s.name}>
              <Th scope="row">
                <Link prefetch={false} href={sidecarSetHref(cluster, s.name)} className="font-medium">
                  {s.name}
                </Link>
                {s.strategy.paused && (
                  <Badge variant="warning" className="ml-1.5">
                    paused
                  </Badge>
                )}
              </Th>
              <Td>
                <ul className="space-y-0.5">
                  {s.containers.map((c) => (
                    <li key={c.name} className="flex flex-wrap items-baseline gap-1">
                      <span className="text-zinc-600 dark:text-zinc-400">
                        {c.name}
                        {c.init ? ' (init)' : ''}:
                      </span>
                      <Badge variant="mono">
                        <SafeText text={imageTag(c.image)} max={40} />
                      </Badge>
                    </li>
                  ))}
                </ul>
              </Td>
              <Td className="text-right tabular-nums">{s.matchedPods}</Td>
              <Td className="text-right tabular-nums">{s.updatedPods}</Td>
              <Td className="text-right tabular-nums">{s.readyPods}</Td>
              <Td className="min-w-40 pt-2.5">
                <RolloutProgress sidecarSet={s} />
                <span className="mt-0.5 block text-[11px] whitespace-nowrap text-zinc-600 tabular-nums dark:text-zinc-400">
                  {s.updatedReadyPods}/{s.matchedPods} updated and ready
                </span>
              </Td>
              <Td>
                <RolloutPill kind={s.state.kind} />
              </Td>
              <Td className="max-w-md text-xs text-zinc-700 dark:text-zinc-300">
                {reasons.length === 0 ? (
                  <span className="text-zinc-600 dark:text-zinc-400">—</span>
                ) : (
                  <ul className="space-y-0.5">
                    {reasons.slice(0, 2).map((r) => (
                      <li key={r.code}>
                        <SafeText text={r.message} />
                      </li>
                    ))}
                    {reasons.length > 2 && <li className="text-zinc-600 dark:text-zinc-400">+{reasons.length - 2} more</li>}
                  </ul>
                )}
              </Td>
              <Td>
                <SidecarSetRowActions sidecarSet={s} blocked={blocked} />
              </Td>
            </Tr>
          );
        })}
      </TBody>
    </Table>
  );
});

function order(sev: 'problem' | 'hold' | 'fact' | undefined): number {
  return sev === 'problem' ? 0 : sev === 'hold' ? 1 : 2;
}
