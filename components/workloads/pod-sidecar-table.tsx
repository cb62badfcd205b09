import Link from 'next/link';
import { PodStatusPill } from '@/components/status/status-pills';
import { Age } from '@/components/ui/age';
import { Badge } from '@/components/ui/badge';
import { EmptyState } from '@/components/ui/empty-state';
import { imageTag } from '@/components/ui/format';
import { Table, TBody, Td, Th, THead, Tr } from '@/components/ui/table';
import { podHref, sidecarSetHref, workloadHref } from '@/components/workloads/links';
import { SidecarStatePill, YesNo } from '@/components/workloads/sidecar-state';
import type { PodRow } from '@/lib/fleet/views';
import { memo } from 'react';
import { useCluster } from '@/components/shell/cluster-scope';
import { SafeText } from '@/components/ui/safe-text';

/**
 * Pods × sidecar containers: one group of rows per pod, one row per sidecar. The pod cell spans
 * its sidecars' rows and is the row header for them.
 */
export const PodSidecarTable = memo(function PodSidecarTable({
  pods,
  caption,
  showWorkload = false,
  linkPods = true,
}: {
  pods: PodRow[];
  caption: string;
  showWorkload?: boolean;
  linkPods?: boolean;
}) {
  const cluster = useCluster().id;
  if (pods.length === 0) return <EmptyState title="No pods" />;
  return (
    <Table caption={caption}>
      <THead>
        <tr>
          <Th>Pod</Th>
          {showWorkload && <Th>Workload</Th>}
          <Th>Pod status</Th>
          <Th>Sidecar</Th>
          <Th>Image</Th>
          <Th>Revision</Th>
          <Th>Updated</Th>
          <Th>Ready</Th>
          <Th className="text-right">Restarts</Th>
          <Th>State and reason</Th>
          <Th className="text-right">Age</Th>
        </tr>
      </THead>
      <TBody>
        {pods.map((pod) => {
          const rows = pod.sidecars.length > 0 ? pod.sidecars : [null];
          const span = rows.length;
          return rows.map((sc, i) => (
            <Tr key={`${pod.namespace}/${pod.name}/${sc?.container ?? '-'}`} className={i > 0 ? 'border-t-0' : undefined}>
              {i === 0 && (
                <>
                  <Th scope="rowgroup" rowSpan={span} className="whitespace-nowrap">
                    {linkPods ? (
                      <Link prefetch={false} href={podHref(cluster, pod.namespace, pod.name)} className="font-mono text-xs">
                        {pod.name}
                      </Link>
                    ) : (
                      <span className="font-mono text-xs">{pod.name}</span>
                    )}
                    {pod.node && <span className="block text-[11px] font-normal text-zinc-600 dark:text-zinc-400">{pod.node}</span>}
                  </Th>
                  {showWorkload && (
                    <Td rowSpan={span} className="text-xs">
                      <Link prefetch={false} href={workloadHref(cluster, pod.workload)}>
                        {pod.workload.name}
                      </Link>
                      <span className="block text-[11px] text-zinc-600 dark:text-zinc-400">
                        {pod.workload.kind} in {pod.workload.namespace}
                      </span>
                    </Td>
                  )}
                  <Td rowSpan={span}>
                    <PodStatusPill status={pod.status} health={pod.health} />
                    <span className="mt-0.5 block text-[11px] text-zinc-600 tabular-nums dark:text-zinc-400">
                      {pod.ready} ready · {pod.restarts} restarts
                    </span>
                  </Td>
                </>
              )}
              {sc === null ? (
                <Td colSpan={7} className="text-xs text-zinc-600 dark:text-zinc-400">
                  No sidecar injected
                </Td>
              ) : (
                <>
                  <Td className="whitespace-nowrap">
                    <span className="font-medium">{sc.container}</span>
                    {sc.workingContainer && sc.workingContainer !== sc.container && (
                      <span className="text-xs text-zinc-600 dark:text-zinc-400"> ({sc.workingContainer})</span>
                    )}
                    <Link prefetch={false} href={sidecarSetHref(cluster, sc.sidecarSet)} className="block text-[11px]">
                      {sc.sidecarSet}
                    </Link>
                  </Td>
                  <Td>
                    <Badge variant="mono">
                      <SafeText text={imageTag(sc.specImage)} max={60} />
                    </Badge>
                    {sc.statusImage && sc.statusImage !== sc.specImage && (
                      <span className="mt-0.5 block text-[11px] text-zinc-600 dark:text-zinc-400">
                        running <SafeText text={imageTag(sc.statusImage)} max={60} />
                      </span>
                    )}
                  </Td>
                  <Td className="text-xs whitespace-nowrap" title={sc.revision}>
                    {sc.revisionNumber !== undefined ? (
                      <span className="tabular-nums">#{sc.revisionNumber}</span>
                    ) : (
                      <span className="font-mono">{sc.revision ?? '—'}</span>
                    )}
                  </Td>
                  <Td className="text-xs">
                    <YesNo value={sc.updated} />
                  </Td>
                  <Td className="text-xs">
                    <YesNo value={sc.ready} />
                  </Td>
                  <Td className="text-right tabular-nums">{sc.restarts}</Td>
                  <Td>
                    <SidecarStatePill sidecar={sc} />
                    {sc.failed?.message && (
                      <span
                        className="mt-0.5 block max-w-xs truncate text-[11px] text-zinc-600 dark:text-zinc-400"
                        title={sc.failed.message}
                      >
                        <SafeText text={sc.failed.message} />
                      </span>
                    )}
                  </Td>
                </>
              )}
              {i === 0 && (
                <Td rowSpan={span} className="text-right text-xs">
                  <Age iso={pod.createdAt} />
                </Td>
              )}
            </Tr>
          ));
        })}
      </TBody>
    </Table>
  );
});
