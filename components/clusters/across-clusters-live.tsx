'use client';

import { useQuery } from '@tanstack/react-query';
import Form from 'next/form';
import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { clusterPath } from '@/components/shell/cluster-paths';
import { RolloutPill } from '@/components/status/status-pills';
import { Badge } from '@/components/ui/badge';
import { Banner } from '@/components/ui/banner';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { imageTag, shortImage } from '@/components/ui/format';
import { SearchIcon } from '@/components/ui/icons';
import { Section } from '@/components/ui/section';
import { Table, TBody, Td, Th, THead, Tr } from '@/components/ui/table';
import { sidecarSetHref, workloadHref } from '@/components/workloads/links';
import type {
  AcrossClustersView,
  ClusterCell,
  ClusterColumn,
  ImageSearchView,
  SidecarSetAcrossClusters,
} from '@/lib/fleet/across-clusters';
import { parseImageQuery } from '@/lib/query/image-query';
import { acrossClustersOptions, clustersOptions, imageSearchOptions } from '@/lib/query/options';

/**
 * Every cluster at once, refreshed every few seconds: each cluster's state, the image search
 * (`?image=` in the URL, so a search can be shared), the drift between clusters and the
 * SidecarSets side by side. A cluster that cannot be read shows its error in its own column.
 */
export function AcrossClustersLive() {
  const image = parseImageQuery(useSearchParams().get('image'));
  const across = useQuery(acrossClustersOptions());
  const configuration = useQuery(clustersOptions());
  const warnings = configuration.data?.warnings ?? [];
  const view = across.data;
  return (
    <div className="space-y-5">
      {warnings.length > 0 && (
        <Banner tone="warning" title="Part of the cluster configuration matches nothing">
          <ul>
            {warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </Banner>
      )}
      {across.error && (
        <Banner tone="warning" title="Could not refresh the clusters" role="alert">
          {across.error.message}
          {view ? ' What is shown is the last answer.' : ''}
        </Banner>
      )}
      {view && <ClusterColumns clusters={view.clusters} />}
      <ImageSearch image={image} columns={view?.clusters ?? []} />
      {view && <Drift view={view} />}
      {view && (
        <Section
          id="side-by-side"
          title="SidecarSets side by side"
          description="Per cluster: the images the SidecarSet's spec names, the versions its pods run, revision, rollout state and updated/matched pods."
        >
          <Comparison view={view} />
        </Section>
      )}
    </div>
  );
}

function ClusterColumns({ clusters }: { clusters: ClusterColumn[] }) {
  return (
    <Section id="clusters" title={`${clusters.length} clusters`}>
      <ul className="flex flex-wrap gap-2">
        {clusters.map((c) => (
          <li
            key={c.id}
            className="min-w-56 rounded-lg border border-zinc-200 bg-white px-3 py-2 text-xs dark:border-zinc-800 dark:bg-zinc-900"
            aria-label={`Cluster ${c.name}`}
          >
            <Link href={clusterPath(c.id)} className="text-sm font-semibold">
              {c.name}
            </Link>
            {c.builtIn && (
              <Badge variant="info" className="ml-1.5">
                built-in
              </Badge>
            )}
            {c.server && <span className="block font-mono text-zinc-600 dark:text-zinc-400">{c.server}</span>}
            {c.error ? (
              <span role="status" className="mt-1 block text-red-800 dark:text-red-300">
                Cannot be read: {c.error.code ? `${c.error.code} ` : ''}
                {c.error.message}
              </span>
            ) : c.live ? (
              <span className="mt-1 block text-emerald-800 dark:text-emerald-300">Live</span>
            ) : (
              <span className="mt-1 block text-amber-800 dark:text-amber-300">Stale: the cluster is not answering right now</span>
            )}
            {c.partial && (
              <span className="mt-1 block text-amber-900 dark:text-amber-200">
                Partly visible: {c.partial[0]}
                {c.partial.length > 1 ? ` (and ${c.partial.length - 1} more)` : ''}
              </span>
            )}
          </li>
        ))}
      </ul>
    </Section>
  );
}

function ImageSearch({ image, columns }: { image: string; columns: ClusterColumn[] }) {
  const found = useQuery(imageSearchOptions(image));
  return (
    <Section
      id="image-search"
      title="Find an image or version"
      description="Which clusters, SidecarSets and workloads run a sidecar image: every word must appear in the image, the SidecarSet or the container (e.g. istio-proxy 1.22)."
    >
      <search aria-label="Find an image or version">
        {/* A GET form: the search lives in the URL (?image=…) and works before the page's script has loaded. */}
        <Form action="/clusters" className="flex flex-wrap items-end gap-2" key={image}>
          <label className="flex flex-col gap-0.5 text-xs font-medium text-zinc-700 dark:text-zinc-300">
            Image or version
            <span className="relative">
              <SearchIcon className="pointer-events-none absolute top-2 left-2 size-4 text-zinc-500" />
              <input
                type="search"
                name="image"
                defaultValue={image}
                placeholder="proxyv2:1.22, istio-proxy 1.23…"
                className="h-8 w-80 rounded-md border border-zinc-300 bg-white pr-2 pl-8 text-sm text-zinc-900 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
              />
            </span>
          </label>
          <Button type="submit" variant="primary">
            Search
          </Button>
          {image && (
            <Link href="/clusters" className="self-center text-sm">
              Clear the search
            </Link>
          )}
        </Form>
      </search>
      {image && <SearchResults data={found.data} error={found.error} pending={found.isPending} columns={columns} />}
    </Section>
  );
}

function SearchResults({
  data,
  error,
  pending,
  columns,
}: {
  data: ImageSearchView | undefined;
  error: Error | null;
  pending: boolean;
  columns: ClusterColumn[];
}) {
  if (!data) {
    if (pending) return <p aria-live="polite">Searching every cluster…</p>;
    return (
      <Banner tone="warning" title="The search failed" role="alert">
        {error?.message}
      </Banner>
    );
  }
  const names = new Map(columns.map((c) => [c.id, c.name]));
  const unreadable = data.clusters.filter((c) => c.error);
  const clustersWith = new Set(data.matches.filter((m) => m.pods > 0).map((m) => m.cluster));
  return (
    <div className="space-y-2">
      <p aria-live="polite" className="text-sm">
        {data.matches.length === 0
          ? `No sidecar image matches “${data.query}” in any cluster.`
          : `“${data.query}”: ${data.pods} pod${data.pods === 1 ? '' : 's'} in ${clustersWith.size} of ${data.clusters.length} clusters.`}
        {unreadable.length > 0 && ` Not searched (cannot be read): ${unreadable.map((c) => c.name).join(', ')}.`}
      </p>
      {data.matches.length > 0 && (
        <Table caption={`Where “${data.query}” runs`}>
          <THead>
            <tr>
              <Th>Image</Th>
              <Th>Cluster</Th>
              <Th>SidecarSet / container</Th>
              <Th className="text-right">Pods</Th>
              <Th>Workloads</Th>
            </tr>
          </THead>
          <TBody>
            {data.matches.map((m) => (
              <Tr key={`${m.cluster}/${m.sidecarSet}/${m.container}/${m.image}`}>
                <Th scope="row" className="font-mono text-xs break-all">
                  {m.image}
                </Th>
                <Td>
                  <Link href={clusterPath(m.cluster)}>{names.get(m.cluster) ?? m.cluster}</Link>
                </Td>
                <Td>
                  {m.sidecarSet ? (
                    <Link href={sidecarSetHref(m.cluster, m.sidecarSet)} className="underline">
                      {m.sidecarSet}
                    </Link>
                  ) : (
                    <span>no SidecarSet</span>
                  )}
                  <span className="text-zinc-600 dark:text-zinc-400"> / {m.container}</span>
                  {m.inSpec ? (
                    <span className="block text-xs text-zinc-600 dark:text-zinc-400">the SidecarSet's image now</span>
                  ) : (
                    <span className="block text-xs text-amber-900 dark:text-amber-200">not the SidecarSet's image any more</span>
                  )}
                </Td>
                <Td className="text-right tabular-nums">{m.pods}</Td>
                <Td>
                  {m.workloads.length === 0 ? (
                    <span className="text-xs text-zinc-600 dark:text-zinc-400">no pod runs it yet</span>
                  ) : (
                    <ul className="text-xs">
                      {m.workloads.map((w) => (
                        <li key={`${w.namespace}/${w.kind}/${w.name}`}>
                          <Link href={workloadHref(m.cluster, w)} className="underline">
                            {w.namespace}/{w.name}
                          </Link>{' '}
                          <span className="text-zinc-600 dark:text-zinc-400">
                            ({w.kind}, {w.pods} pod{w.pods === 1 ? '' : 's'})
                          </span>
                        </li>
                      ))}
                    </ul>
                  )}
                </Td>
              </Tr>
            ))}
          </TBody>
        </Table>
      )}
    </div>
  );
}

function Drift({ view }: { view: AcrossClustersView }) {
  const drifting = view.sidecarSets.filter((s) => s.drift.length > 0);
  const names = new Map(view.clusters.map((c) => [c.id, c.name]));
  if (view.clusters.length < 2) return null;
  if (drifting.length === 0) {
    return (
      <Banner tone="info" title="No image drift">
        Every SidecarSet that exists in several clusters names the same images in each of them.
      </Banner>
    );
  }
  return (
    <Banner
      tone="warning"
      title={`Image drift: ${drifting.length} SidecarSet${drifting.length === 1 ? ' differs' : 's differ'} between clusters`}
    >
      <ul className="mt-1 space-y-1">
        {drifting.flatMap((s) =>
          s.drift.map((d) => (
            <li key={`${s.name}/${d.container}`}>
              <span className="font-semibold">{s.name}</span>
              {d.container !== s.name ? ` (${d.container})` : ''}:{' '}
              {d.images.map((i, n) => (
                <span key={i.image}>
                  {n > 0 && '; '}
                  <Link href={`/clusters?image=${encodeURIComponent(shortImage(i.image))}`} className="font-mono underline">
                    {shortImage(i.image)}
                  </Link>{' '}
                  in {i.clusters.map((c) => names.get(c) ?? c).join(', ')}
                </span>
              ))}
            </li>
          )),
        )}
      </ul>
    </Banner>
  );
}

function Comparison({ view }: { view: AcrossClustersView }) {
  if (view.sidecarSets.length === 0) {
    return (
      <EmptyState title="No SidecarSets in any cluster">
        {view.clusters.some((c) => c.error)
          ? 'Some clusters cannot be read: see above.'
          : 'Create one with kubectl apply -f; it shows here within seconds.'}
      </EmptyState>
    );
  }
  return (
    <Table caption="SidecarSets in every cluster, side by side">
      <THead>
        <tr>
          <Th>SidecarSet</Th>
          {view.clusters.map((c) => (
            <Th key={c.id}>{c.name}</Th>
          ))}
        </tr>
      </THead>
      <TBody>
        {view.sidecarSets.map((s) => (
          <Row key={s.name} s={s} columns={view.clusters} />
        ))}
      </TBody>
    </Table>
  );
}

function Row({ s, columns }: { s: SidecarSetAcrossClusters; columns: ClusterColumn[] }) {
  const drifted = new Set(s.drift.map((d) => d.container));
  return (
    <Tr>
      <Th scope="row">
        <span className="font-semibold">{s.name}</span>
        {s.drift.length > 0 && (
          <Badge variant="warning" className="ml-1.5">
            image drift
          </Badge>
        )}
        {s.missingFrom.length > 0 && (
          <span className="block text-xs font-normal text-zinc-600 dark:text-zinc-400">
            not in {s.missingFrom.length} cluster{s.missingFrom.length === 1 ? '' : 's'}
          </span>
        )}
      </Th>
      {s.cells.map((cell, i) => (
        <Td key={cell.cluster}>
          <Cell cell={cell} name={s.name} clusterName={columns[i]?.name ?? cell.cluster} drifted={drifted} />
        </Td>
      ))}
    </Tr>
  );
}

function Cell({ cell, name, clusterName, drifted }: { cell: ClusterCell; name: string; clusterName: string; drifted: Set<string> }) {
  if (cell.kind === 'unknown')
    return <span className="text-xs text-zinc-600 dark:text-zinc-400">unknown: {clusterName} cannot be read</span>;
  if (cell.kind === 'absent') return <span className="text-xs text-zinc-600 dark:text-zinc-400">not in this cluster</span>;
  return (
    <div className="space-y-1 text-xs">
      <ul>
        {Object.entries(cell.images).map(([container, image]) => {
          const running = cell.running[container] ?? [];
          const mixed = running.length > 1 || (running.length === 1 && running[0]?.image !== image);
          return (
            <li key={container}>
              <span className="text-zinc-600 dark:text-zinc-400">{container}: </span>
              <span
                className={drifted.has(container) ? 'font-mono font-semibold text-amber-900 dark:text-amber-200' : 'font-mono'}
                title={image}
              >
                {shortImage(image)}
              </span>
              {mixed && (
                <span className="block text-zinc-600 dark:text-zinc-400">
                  pods run {running.map((r) => `${imageTag(r.image)} ×${r.pods}`).join(', ')}
                </span>
              )}
            </li>
          );
        })}
      </ul>
      <div className="flex flex-wrap items-center gap-1.5">
        <RolloutPill kind={cell.state} />
        <span className="tabular-nums">
          {cell.updatedPods}/{cell.matchedPods} updated
        </span>
      </div>
      {cell.revision && <span className="block font-mono text-[11px] text-zinc-600 dark:text-zinc-400">{cell.revision}</span>}
      <Link href={sidecarSetHref(cell.cluster, name)} className="text-[11px]">
        {name} in {clusterName}
      </Link>
    </div>
  );
}
