/**
 * The same SidecarSets in several clusters, side by side: what each cluster's spec says (images,
 * revision, rollout state, counts), which sidecar images its pods actually run, and where the
 * clusters disagree. Pure: one ClusterFleetView per cluster in, plain rows out. A cluster that
 * could not be read is carried as its error, never dropped: its cells say "unknown", not "absent".
 */
import { summaryInProgress } from './pause-all';
import type { ClusterFleetView, ClusterRef, RolloutStateKind, SidecarImageUse, SidecarSetSummary, WorkloadRef } from './views';

/** One cluster's input: its view, or why there is none. */
export type ClusterFleetInput =
  | { cluster: ClusterRef; view: ClusterFleetView }
  | { cluster: ClusterRef; error: { code?: number; message: string } };

/** A column of the comparison: a cluster and whether its data is complete and live. */
export interface ClusterColumn extends ClusterRef {
  server?: string;
  builtIn?: boolean;
  /** The cluster could not be read at all (its cells are unknown). */
  error?: { code?: number; message: string };
  /** Read, but some of it is stale or refused (403 on a namespace…): say so beside its column. */
  partial?: string[];
  live: boolean;
}

export interface RunningImage {
  image: string;
  pods: number;
}

/** One SidecarSet in one cluster. */
export type ClusterCell =
  | { cluster: string; kind: 'unknown' }
  | { cluster: string; kind: 'absent' }
  | {
      cluster: string;
      kind: 'present';
      /** Container → image, as the SidecarSet's spec says (init containers included). */
      images: Record<string, string>;
      /** Container → images the matched pods run now, most pods first. */
      running: Record<string, RunningImage[]>;
      revision?: string;
      state: RolloutStateKind;
      paused: boolean;
      /** What "pause every rollout in progress" would pause (lib/fleet/pause-all.ts). */
      inProgress: boolean;
      matchedPods: number;
      updatedPods: number;
      readyPods: number;
    };

/** Clusters whose spec gives a container one image, for each image seen. */
export interface ImageDrift {
  container: string;
  images: Array<{ image: string; clusters: string[] }>;
}

export interface SidecarSetAcrossClusters {
  name: string;
  /** One per column, in column order. */
  cells: ClusterCell[];
  /** Containers whose image differs between the clusters that have this SidecarSet; empty when they agree. */
  drift: ImageDrift[];
  /** Clusters (ids) that were read and have no SidecarSet of this name. */
  missingFrom: string[];
}

export interface AcrossClustersView {
  clusters: ClusterColumn[];
  sidecarSets: SidecarSetAcrossClusters[];
  /** How many SidecarSets have image drift. */
  drifted: number;
  generatedAt: string;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function column(input: ClusterFleetInput): ClusterColumn {
  if ('error' in input) return { ...input.cluster, error: input.error, live: false };
  const { cluster, freshness } = input.view;
  const col: ClusterColumn = { ...input.cluster, server: cluster.server, builtIn: cluster.builtIn, live: freshness.live };
  if (cluster.error && input.view.sidecarSets.length === 0) col.error = cluster.error;
  const partial = freshness.errors.map(
    (e) => `${e.code ? `${e.code} ` : ''}${e.resource}${e.namespace ? ` in ${e.namespace}` : ''}: ${e.message}`,
  );
  if (partial.length > 0 && !col.error) col.partial = partial;
  return col;
}

function runningBySidecarSet(images: readonly SidecarImageUse[]): Map<string, Record<string, RunningImage[]>> {
  const out = new Map<string, Record<string, RunningImage[]>>();
  for (const use of images) {
    if (!use.sidecarSet) continue;
    let byContainer = out.get(use.sidecarSet);
    if (!byContainer) {
      byContainer = {};
      out.set(use.sidecarSet, byContainer);
    }
    const list = byContainer[use.container] ?? [];
    list.push({ image: use.image, pods: use.pods });
    byContainer[use.container] = list;
  }
  for (const byContainer of out.values()) {
    for (const list of Object.values(byContainer)) list.sort((a, b) => b.pods - a.pods || cmp(a.image, b.image));
  }
  return out;
}

function presentCell(cluster: string, s: SidecarSetSummary, running: Record<string, RunningImage[]> | undefined): ClusterCell {
  const images: Record<string, string> = {};
  for (const c of s.containers) images[c.name] = c.image;
  const cell: ClusterCell = {
    cluster,
    kind: 'present',
    images,
    running: running ?? {},
    state: s.state.kind,
    paused: s.strategy.paused,
    inProgress: summaryInProgress(s),
    matchedPods: s.matchedPods,
    updatedPods: s.updatedPods,
    readyPods: s.readyPods,
  };
  if (s.latestRevision) cell.revision = s.latestRevision;
  return cell;
}

/** Image drift of one SidecarSet: per container, the spec images of the clusters that have it, when they are not all one. */
export function imageDrift(cells: readonly ClusterCell[]): ImageDrift[] {
  const byContainer = new Map<string, Map<string, string[]>>();
  for (const cell of cells) {
    if (cell.kind !== 'present') continue;
    for (const [container, image] of Object.entries(cell.images)) {
      let images = byContainer.get(container);
      if (!images) {
        images = new Map();
        byContainer.set(container, images);
      }
      images.set(image, [...(images.get(image) ?? []), cell.cluster]);
    }
  }
  const out: ImageDrift[] = [];
  for (const [container, images] of [...byContainer].sort((a, b) => cmp(a[0], b[0]))) {
    if (images.size < 2) continue;
    out.push({
      container,
      images: [...images].map(([image, clusters]) => ({ image, clusters })).sort((a, b) => cmp(a.image, b.image)),
    });
  }
  return out;
}

/**
 * Every SidecarSet name found in any cluster, one row each (sorted by name), a cell per cluster,
 * and the drift between the clusters' spec images.
 */
export function compareAcrossClusters(inputs: readonly ClusterFleetInput[], now = new Date()): AcrossClustersView {
  const clusters = inputs.map(column);
  const names = new Set<string>();
  for (const input of inputs) if (!('error' in input)) for (const s of input.view.sidecarSets) names.add(s.name);
  const perCluster = inputs.map((input) => {
    if ('error' in input) return undefined;
    const running = runningBySidecarSet(input.view.images);
    return { byName: new Map(input.view.sidecarSets.map((s) => [s.name, s])), running };
  });
  const sidecarSets: SidecarSetAcrossClusters[] = [...names].sort(cmp).map((name) => {
    const cells: ClusterCell[] = inputs.map((input, i) => {
      const id = input.cluster.id;
      const data = perCluster[i];
      // Unreadable, or read with nothing in it while its discovery failed: we cannot say it is absent.
      if (!data || clusters[i]?.error) return { cluster: id, kind: 'unknown' };
      const s = data.byName.get(name);
      return s ? presentCell(id, s, data.running.get(name)) : { cluster: id, kind: 'absent' };
    });
    return {
      name,
      cells,
      drift: imageDrift(cells),
      missingFrom: cells.filter((c) => c.kind === 'absent').map((c) => c.cluster),
    };
  });
  return { clusters, sidecarSets, drifted: sidecarSets.filter((s) => s.drift.length > 0).length, generatedAt: now.toISOString() };
}

/** One image (or version) found running in one cluster, under one SidecarSet's container. */
export interface ImageMatch {
  cluster: string;
  sidecarSet?: string;
  container: string;
  image: string;
  pods: number;
  workloads: Array<WorkloadRef & { pods: number }>;
  /** The SidecarSet's spec names this image now (pods may still be on their way to it). */
  inSpec: boolean;
}

export interface ImageSearchView {
  query: string;
  clusters: ClusterColumn[];
  matches: ImageMatch[];
  /** Total pods over all matches. */
  pods: number;
  generatedAt: string;
}

/** Lower-cased words of a search: `istio-proxy 1.22` → ['istio-proxy', '1.22']. */
export function searchWords(query: string): string[] {
  return query.toLowerCase().split(/\s+/).filter(Boolean);
}

/**
 * Which clusters, SidecarSets and workloads run an image or version. Every word of the query must
 * appear in the image reference, the SidecarSet's name or the container's name (so `1.22`,
 * `proxyv2:1.22.6` and `istio-proxy 1.22` all work). SidecarSets whose spec names a matching image
 * that no pod runs yet are listed too, with no workloads. Sorted by image, cluster order, SidecarSet.
 */
export function searchImagesAcrossClusters(inputs: readonly ClusterFleetInput[], query: string, now = new Date()): ImageSearchView {
  const words = searchWords(query);
  const clusters = inputs.map(column);
  const matches: ImageMatch[] = [];
  const order = new Map(inputs.map((input, i) => [input.cluster.id, i]));
  if (words.length > 0) {
    for (const input of inputs) {
      if ('error' in input) continue;
      const hit = (image: string, sidecarSet: string | undefined, container: string) => {
        const text = `${image}\n${sidecarSet ?? ''}\n${container}`.toLowerCase();
        return words.every((w) => text.includes(w));
      };
      const specImages = new Map<string, Set<string>>();
      for (const s of input.view.sidecarSets) {
        for (const c of s.containers) {
          const key = `${s.name}\n${c.name}`;
          specImages.set(key, new Set([...(specImages.get(key) ?? []), c.image]));
        }
      }
      const seen = new Set<string>();
      for (const use of input.view.images) {
        if (!hit(use.image, use.sidecarSet, use.container)) continue;
        const key = `${use.sidecarSet ?? ''}\n${use.container}`;
        seen.add(`${key}\n${use.image}`);
        const m: ImageMatch = {
          cluster: input.cluster.id,
          container: use.container,
          image: use.image,
          pods: use.pods,
          workloads: [...use.workloads].sort((a, b) => cmp(a.namespace, b.namespace) || cmp(a.name, b.name) || cmp(a.kind, b.kind)),
          inSpec: specImages.get(key)?.has(use.image) === true,
        };
        if (use.sidecarSet) m.sidecarSet = use.sidecarSet;
        matches.push(m);
      }
      for (const s of input.view.sidecarSets) {
        for (const c of s.containers) {
          if (seen.has(`${s.name}\n${c.name}\n${c.image}`) || !hit(c.image, s.name, c.name)) continue;
          matches.push({
            cluster: input.cluster.id,
            sidecarSet: s.name,
            container: c.name,
            image: c.image,
            pods: 0,
            workloads: [],
            inSpec: true,
          });
        }
      }
    }
  }
  matches.sort(
    (a, b) =>
      cmp(a.image, b.image) ||
      (order.get(a.cluster) ?? 0) - (order.get(b.cluster) ?? 0) ||
      cmp(a.sidecarSet ?? '', b.sidecarSet ?? '') ||
      cmp(a.container, b.container),
  );
  return { query: query.trim(), clusters, matches, pods: matches.reduce((n, m) => n + m.pods, 0), generatedAt: now.toISOString() };
}
