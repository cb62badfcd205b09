import 'server-only';
import { buildFleetModel, createFleetMemo, type FleetModel, type SidecarSetDetailOptions } from '@/lib/fleet/fleet-model';
export type { SidecarSetDetailOptions };
import type {
  ClusterFleetView,
  ClusterInfo,
  ClusterRef,
  FleetPulse,
  OverviewView,
  PodDetailView,
  SidecarSetDetailView,
  WorkloadDetailView,
  WorkloadQuery,
  WorkloadRef,
  WorkloadsView,
} from '@/lib/fleet/views';
import { type CacheOptions, FleetCache, sharedFleetCache } from './cache';
import { clusterClient, requireCluster } from './clusters';
import type { FleetClient, Identity } from './config';

/**
 * The read functions the pages call. All of them answer from the shared watch cache (one per
 * cluster connection per server process): a page view never lists the cluster. The aggregated
 * model is rebuilt only when the cache changed (and at least every MODEL_MAX_AGE_MS, since
 * "stuck for N minutes" depends on the clock), so concurrent requests share one computation.
 *
 * Every function takes a session: a cluster connection and who acts on it. Today the server acts
 * as its kubeconfig identity in each cluster; when sign-in per user arrives, a route passes the
 * user's session instead.
 */

export interface FleetSession {
  client: FleetClient;
  identity: Identity;
  /** The configured cluster this session is on (its id and display name), when it is one. */
  cluster?: ClusterRef;
}

/** The server's own session on a configured cluster (its kubeconfig context or service account). */
export function clusterSession(clusterId: string): FleetSession {
  const config = requireCluster(clusterId);
  const client = clusterClient(clusterId);
  return { client, identity: client.identity, cluster: { id: config.id, name: config.name } };
}

export function sessionFor(client: FleetClient): FleetSession {
  return { client, identity: client.identity };
}

const MODEL_MAX_AGE_MS = 15_000;
/** How long a first request waits for the initial lists before answering with what it has. */
const FIRST_SYNC_WAIT_MS = 10_000;

export interface FleetReader {
  readonly cache: FleetCache;
  getClusterInfo(): Promise<ClusterInfo>;
  getOverview(): Promise<OverviewView>;
  getWorkloads(query: WorkloadQuery): Promise<WorkloadsView>;
  getWorkloadDetail(ref: WorkloadRef): Promise<WorkloadDetailView | null>;
  getSidecarSetDetail(name: string, opts?: SidecarSetDetailOptions): Promise<SidecarSetDetailView | null>;
  getPodDetail(namespace: string, name: string): Promise<PodDetailView | null>;
  /** Its SidecarSets and the sidecar images its pods run, for the cross-cluster view. */
  getClusterFleet(): Promise<ClusterFleetView>;
  /** Cheap: the cache revision and freshness, for live pages deciding whether to refetch. */
  getFleetPulse(): Promise<FleetPulse>;
  /** Called (throttled to 4/s) whenever the cache changes. Returns the unsubscribe function. */
  subscribe(listener: (pulse: FleetPulse) => void): () => void;
  /** Stops a reader's private cache; a no-op for the shared one. */
  stop(): void;
}

export interface FleetReaderOptions {
  /** Use a private cache instead of the process-wide one (tests). */
  privateCache?: boolean;
  cacheOptions?: CacheOptions;
  firstSyncWaitMs?: number;
  /** Least time between two model rebuilds (default 250 ms; never less than twice the last build's time). */
  minRebuildMs?: number;
}

export function createFleetReader(session: FleetSession, opts: FleetReaderOptions = {}): FleetReader {
  const cache = opts.privateCache ? new FleetCache(session.client, opts.cacheOptions) : sharedFleetCache(session.client, opts.cacheOptions);
  cache.start();
  const waitMs = opts.firstSyncWaitMs ?? FIRST_SYNC_WAIT_MS;
  let memo: { revision: number; at: number; model: FleetModel } | undefined;
  const perObject = createFleetMemo();

  let lastBuildMs = 0;
  const model = async (): Promise<FleetModel> => {
    await cache.ready(waitMs);
    const rev = cache.revision;
    const now = Date.now();
    // A big fleet changes all the time (kubelet status updates): rebuild at most every
    // max(minRebuildMs, 2 × the last build's time), so aggregation never takes more than about
    // half the server's time; requests in between share the model, at most that much behind.
    const minInterval = Math.max(opts.minRebuildMs ?? 250, 2 * lastBuildMs);
    const due = !memo || now - memo.at > MODEL_MAX_AGE_MS || (memo.revision !== rev && now - memo.at >= minInterval);
    if (due) {
      const t0 = performance.now();
      memo = { revision: rev, at: now, model: buildFleetModel(cache.snapshot(), new Date(now), perObject) };
      lastBuildMs = performance.now() - t0;
    }
    return (memo as { model: FleetModel }).model;
  };

  const clusterInfo = (): ClusterInfo => {
    const c = session.client;
    const d = cache.discovery;
    const info: ClusterInfo = {
      id: session.cluster?.id ?? c.clusterName,
      displayName: session.cluster?.name ?? c.clusterName,
      name: c.clusterName,
      server: c.server,
      user: c.identity.user,
      source: c.source,
      builtIn: c.builtInMarked || d?.builtInByVersion === true,
      kruiseVersion: d?.kruiseVersion ?? null,
    };
    if (c.contextName) info.context = c.contextName;
    if (d?.gitVersion) info.kubernetesVersion = d.gitVersion;
    if (d?.error) info.error = { code: d.error.code, message: d.error.message };
    return info;
  };

  return {
    cache,
    async getClusterInfo() {
      await cache.ready(waitMs);
      return clusterInfo();
    },
    async getOverview() {
      const m = await model();
      return m.overview({ cluster: clusterInfo(), freshness: cache.freshness() });
    },
    async getWorkloads(query) {
      const m = await model();
      return m.workloads(query, { freshness: cache.freshness() });
    },
    async getWorkloadDetail(ref) {
      const m = await model();
      return m.workloadDetail(ref, { freshness: cache.freshness() });
    },
    async getSidecarSetDetail(name, detailOpts) {
      const m = await model();
      return m.sidecarSetDetail(name, { freshness: cache.freshness() }, detailOpts);
    },
    async getPodDetail(namespace, name) {
      const m = await model();
      return m.podDetail(namespace, name, { freshness: cache.freshness() });
    },
    async getClusterFleet() {
      const m = await model();
      const freshness = cache.freshness();
      const cluster = clusterInfo();
      return { cluster, sidecarSets: m.overview({ cluster, freshness }).sidecarSets, images: m.sidecarImages(), freshness };
    },
    async getFleetPulse() {
      await cache.ready(waitMs);
      return { revision: cache.revision, freshness: cache.freshness() };
    },
    subscribe(listener) {
      return cache.subscribe(() => listener({ revision: cache.revision, freshness: cache.freshness() }));
    },
    stop() {
      if (opts.privateCache) cache.stop();
    },
  };
}

const READERS_KEY = Symbol.for('sidecar-fleet.readers');
type ReaderHolder = { [READERS_KEY]?: Map<string, FleetReader> };

/**
 * The reader for a session, shared across requests (its model memo is shared too). Each call
 * counts as a use of the cluster's shared cache; a cache dropped for idleness comes back here,
 * with a new reader.
 */
export function fleetReader(session: FleetSession): FleetReader {
  const g = globalThis as ReaderHolder;
  g[READERS_KEY] ??= new Map();
  const cache = sharedFleetCache(session.client);
  let r = g[READERS_KEY].get(session.client.key);
  if (!r || r.cache !== cache) {
    r = createFleetReader(session);
    g[READERS_KEY].set(session.client.key, r);
  }
  return r;
}

export function getClusterInfo(session: FleetSession): Promise<ClusterInfo> {
  return fleetReader(session).getClusterInfo();
}

export function getOverview(session: FleetSession): Promise<OverviewView> {
  return fleetReader(session).getOverview();
}

export function getWorkloads(query: WorkloadQuery, session: FleetSession): Promise<WorkloadsView> {
  return fleetReader(session).getWorkloads(query);
}

export function getWorkloadDetail(ref: WorkloadRef, session: FleetSession): Promise<WorkloadDetailView | null> {
  return fleetReader(session).getWorkloadDetail(ref);
}

export function getSidecarSetDetail(
  name: string,
  opts: SidecarSetDetailOptions | undefined,
  session: FleetSession,
): Promise<SidecarSetDetailView | null> {
  return fleetReader(session).getSidecarSetDetail(name, opts);
}

export function getPodDetail(namespace: string, name: string, session: FleetSession): Promise<PodDetailView | null> {
  return fleetReader(session).getPodDetail(namespace, name);
}

export function getFleetPulse(session: FleetSession): Promise<FleetPulse> {
  return fleetReader(session).getFleetPulse();
}

export function subscribeFleet(listener: (pulse: FleetPulse) => void, session: FleetSession): () => void {
  return fleetReader(session).subscribe(listener);
}
