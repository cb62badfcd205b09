'use client';

import Link from 'next/link';
import { AccessErrors, FreshnessBanner, LiveIndicator } from '@/components/live/freshness';
import { PodStatusPill } from '@/components/status/status-pills';
import { EventsTimeline } from '@/components/sidecarsets/events-timeline';
import { Age } from '@/components/ui/age';
import { Badge } from '@/components/ui/badge';
import { Banner } from '@/components/ui/banner';
import { PageHeader } from '@/components/ui/page-header';
import { Section } from '@/components/ui/section';
import { ToneIcon } from '@/components/ui/status-pill';
import { Table, TBody, Td, Th, THead, Tr } from '@/components/ui/table';
import { workloadHref, workloadsHref } from '@/components/workloads/links';
import { PodSidecarTable } from '@/components/workloads/pod-sidecar-table';
import { YesNo } from '@/components/workloads/sidecar-state';
import { HttpError } from '@/lib/query/fetch-json';
import { podOptions } from '@/lib/query/options';
import { useLiveQuery } from '@/lib/query/use-live-query';
import { useCluster } from '@/components/shell/cluster-scope';
import { SafeText } from '@/components/ui/safe-text';

/** Kruise's own annotations first: they say which SidecarSet injected what, at which hash. */
function sortAnnotations(entries: Array<[string, string]>) {
  return entries.sort(([a], [b]) => Number(!a.includes('sidecarset')) - Number(!b.includes('sidecarset')) || a.localeCompare(b));
}

export function PodDetailLive({ namespace, name }: { namespace: string; name: string }) {
  const cluster = useCluster().id;
  const { data, error, viewError, freshness, updatedAt } = useLiveQuery(cluster, podOptions(cluster, namespace, name));
  const gone = viewError instanceof HttpError && viewError.status === 404;
  if (!data) return null;
  const pod = data.pod;
  return (
    <div className="space-y-5">
      <PageHeader
        eyebrow={
          <nav aria-label="Breadcrumb">
            <ol className="flex flex-wrap gap-1">
              <li>
                <Link href={workloadsHref(cluster)}>Workloads</Link> /
              </li>
              <li>
                <Link href={workloadHref(cluster, pod.workload)}>
                  {pod.workload.kind} {pod.workload.name}
                </Link>{' '}
                /
              </li>
              <li aria-current="page">Pod</li>
            </ol>
          </nav>
        }
        title={pod.name}
        actions={<LiveIndicator freshness={freshness} fetchError={gone ? null : error} dataUpdatedAt={updatedAt} />}
      >
        <p className="mt-1 flex flex-wrap items-center gap-2 text-sm">
          <PodStatusPill status={pod.status} health={pod.health} />
          <span>{pod.ready} ready</span>
          <span className="text-zinc-600 dark:text-zinc-400">·</span>
          <span>{pod.restarts} restarts</span>
          <span className="text-zinc-600 dark:text-zinc-400">·</span>
          <span>namespace {pod.namespace}</span>
          {pod.node && (
            <>
              <span className="text-zinc-600 dark:text-zinc-400">·</span>
              <span>node {pod.node}</span>
            </>
          )}
          <span className="text-zinc-600 dark:text-zinc-400">·</span>
          <span>
            age <Age iso={pod.createdAt} />
          </span>
        </p>
      </PageHeader>
      {gone ? (
        <Banner tone="warning" title="This pod no longer exists in the cluster">
          It was deleted after this page was opened. The data below is the last seen.
        </Banner>
      ) : (
        <FreshnessBanner freshness={freshness} fetchError={error} dataUpdatedAt={updatedAt} />
      )}
      <AccessErrors freshness={freshness} />
      <Section id="sidecars" title="Sidecars">
        <PodSidecarTable pods={[pod]} caption={`Sidecars of pod ${pod.name}`} linkPods={false} />
      </Section>
      <Section id="containers" title="Containers">
        <Table caption={`Containers of pod ${pod.name}`}>
          <THead>
            <tr>
              <Th>Container</Th>
              <Th>Image (spec)</Th>
              <Th>Running image</Th>
              <Th>Ready</Th>
              <Th className="text-right">Restarts</Th>
              <Th>State</Th>
            </tr>
          </THead>
          <TBody>
            {data.containers.map((c) => (
              <Tr key={`${c.init}-${c.name}`}>
                <Th scope="row">
                  {c.name}
                  {c.init && (
                    <Badge variant="outline" className="ml-1.5">
                      init{c.restartPolicy === 'Always' ? ' (sidecar)' : ''}
                    </Badge>
                  )}
                </Th>
                <Td className="font-mono text-xs break-all">
                  <SafeText text={c.image} max={500} />
                </Td>
                <Td className="font-mono text-xs break-all">
                  {c.statusImage ?? '—'}
                  {c.imageID && (
                    <span className="block text-[10px] text-zinc-600 dark:text-zinc-400">
                      <SafeText text={c.imageID} max={200} />
                    </span>
                  )}
                </Td>
                <Td className="text-xs">
                  <YesNo value={c.ready} />
                </Td>
                <Td className="text-right tabular-nums">{c.restarts}</Td>
                <Td className="text-xs">
                  {c.state}
                  {c.reason ? `: ${c.reason}` : ''}
                </Td>
              </Tr>
            ))}
          </TBody>
        </Table>
      </Section>
      <Section id="conditions" title="Conditions">
        {data.conditions.length === 0 && <p className="text-sm text-zinc-600 dark:text-zinc-400">None reported yet.</p>}
        <ul className="grid gap-1 sm:grid-cols-2">
          {data.conditions.map((c) => (
            <li key={c.type} className="flex items-start gap-1.5 text-sm">
              <ToneIcon
                icon={c.status === 'True' ? 'check' : c.status === 'False' ? 'x' : 'help'}
                tone={c.status === 'True' ? 'success' : c.status === 'False' ? 'warning' : 'neutral'}
                className="mt-0.5"
              />
              <span>
                <span className="font-medium">{c.type}</span> {c.status}
                {c.reason ? ` (${c.reason})` : ''}
                {c.message && (
                  <span className="block text-xs break-all text-zinc-600 dark:text-zinc-400">
                    <SafeText text={c.message} />
                  </span>
                )}
              </span>
            </li>
          ))}
        </ul>
      </Section>
      <Section id="annotations" title="Annotations and labels">
        <details className="rounded-lg border border-zinc-200 bg-white px-3 py-2 dark:border-zinc-800 dark:bg-zinc-900">
          <summary className="cursor-pointer text-sm">
            {Object.keys(data.annotations).length} annotations, {Object.keys(data.labels).length} labels
          </summary>
          <dl className="mt-2 space-y-1 text-xs">
            {sortAnnotations(Object.entries(data.annotations)).map(([k, v]) => (
              <div key={k}>
                <dt className="font-medium">{k}</dt>
                <dd className="font-mono break-all text-zinc-700 dark:text-zinc-300">{v}</dd>
              </div>
            ))}
            {Object.entries(data.labels).map(([k, v]) => (
              <div key={`label-${k}`}>
                <dt className="font-medium">label {k}</dt>
                <dd className="font-mono break-all text-zinc-700 dark:text-zinc-300">{v}</dd>
              </div>
            ))}
          </dl>
        </details>
      </Section>
      <Section id="events" title="Events">
        <EventsTimeline events={data.events} label={`Events of pod ${pod.name}`} />
      </Section>
    </div>
  );
}
