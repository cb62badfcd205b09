import 'server-only';
import { createFleetMemo, type FleetMemo, type FleetModel, fleetModelSteps, type SidecarSetDetailOptions } from '@/lib/fleet/fleet-model';
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
import { inScope, SEE_EVERYTHING, type Visibility, visibleSnapshot } from '@/lib/fleet/visibility';
import { requestSession } from './auth/request';
import { authSettings } from './auth/settings';
import { visibilityFor } from './visibility';
import { type CacheOptions, FleetCache, sharedFleetCache } from './cache';
import { clusterClient, clusterRegistry, requireCluster } from './clusters';
import { answersInFlight, whenAnswered } from './lifecycle';
import { emit } from './telemetry';
import { type FleetClient, type Identity, NO_CLUSTER_MESSAGE, NoClusterConfiguredError } from './config';

/**
 * The read functions the pages call. All of them answer from the shared watch cache (one per
 * configured cluster per server process): a page view never lists the cluster. The aggregated
 * model is rebuilt only when the cache changed (and at least every MODEL_MAX_AGE_MS, since
 * "stuck for N minutes" depends on the clock), so concurrent requests share one computation; a
 * slow build (a big cluster) runs in slices behind the requests, which answer from the last model.
 *
 * Every function takes the server's session on one configured cluster (clusterSession). The cache
 * and the model are the server's (its kubeconfig context or service account); what each person is
 * shown is cut down to what their own RBAC in that cluster lets them list (requestVisibility).
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

/** The server's own session on the default cluster (the kubeconfig's current context, or the first configured). */
export function defaultClusterSession(): FleetSession {
  const r = clusterRegistry();
  const id = r.defaultId ?? r.clusters[0]?.id;
  if (!id) throw new NoClusterConfiguredError(r.error ?? NO_CLUSTER_MESSAGE);
  return clusterSession(id);
}

export function sessionFor(client: FleetClient): FleetSession {
  return { client, identity: client.identity };
}

const MODEL_MAX_AGE_MS = 15_000;
/**
 * How long a first request waits for the initial lists before answering with what it has: the
 * pages listed so far, marked partial (Freshness.listing), so a big cluster's first overview comes
 * in seconds; its views grow as the pages arrive. A list whose pace so far says it will not end in
 * time stops the wait at once (ResourceCache.projectListEnd).
 */
const FIRST_SYNC_WAIT_MS = 2_500;

/**
 * Every view takes the Visibility of the person asking (default: everything, the server's own
 * view): the model is built from the shared cache cut down to what they may list.
 */
export interface FleetReader {
  readonly cache: FleetCache;
  getClusterInfo(): Promise<ClusterInfo>;
  getOverview(v?: Visibility): Promise<OverviewView>;
  getWorkloads(query: WorkloadQuery, v?: Visibility): Promise<WorkloadsView>;
  getWorkloadDetail(ref: WorkloadRef, v?: Visibility): Promise<WorkloadDetailView | null>;
  getSidecarSetDetail(name: string, opts?: SidecarSetDetailOptions, v?: Visibility): Promise<SidecarSetDetailView | null>;
  getPodDetail(namespace: string, name: string, v?: Visibility): Promise<PodDetailView | null>;
  /** This cluster's column of the across-clusters view: its SidecarSets and the sidecar images it runs. */
  getClusterFleet(v?: Visibility): Promise<ClusterFleetView>;
  /**
   * Cheap: the revision the views answer from and the freshness, for live pages deciding whether
   * to refetch (a view fetched after the revision moved shows it).
   */
  getFleetPulse(v?: Visibility): Promise<FleetPulse>;
  /** Called (throttled to 4/s) whenever the cache changes. Returns the unsubscribe function. */
  subscribe(listener: (pulse: FleetPulse) => void): () => void;
  /**
   * Called when a model with a person's change (see model()) is built, so a live stream asks at
   * once rather than at its next check. The fleet's churn is not announced: streams see it at
   * their next check, so 200 streams do not all wake on every build. Returns the unsubscribe.
   */
  onBuilt(listener: () => void): () => void;
  /** Stops a reader's private cache; a no-op for the shared one. */
  stop(): void;
}

export interface FleetReaderOptions {
  /** Use a private cache instead of the process-wide one (tests). */
  privateCache?: boolean;
  cacheOptions?: CacheOptions;
  firstSyncWaitMs?: number;
  /**
   * Least time between two model rebuilds (default 250 ms; never less than twice the last build's
   * time, nor than SLOW_REBUILD_MS for a build slow enough to run behind the requests).
   */
  minRebuildMs?: number;
  /** A rebuild that took less than this (default 100 ms) runs inside the next request; a slower one behind the requests. */
  fastBuildMs?: number;
}

/** A build that took less than this runs inside the request that needs it (a small cluster is always current); see behindRequests. */
const FAST_BUILD_MS = 100;
/**
 * Least time between two slow builds. Without it a cheaper build only meant more builds (twice its
 * time apart), the same share of the server's time, and no faster answers: at 150,000 pods under
 * 100 pod changes a second, builds of 380 ms ran 119 times a minute. A change still shows within
 * about 1.5 s (this, then the build).
 */
const SLOW_REBUILD_MS = 1_000;
/** How long a model build runs before it lets the server answer requests (a big cluster's builds are sliced). */
const BUILD_SLICE_MS = 8;

/**
 * How long in all a build behind the requests waits for the answers under way (pages, reads) before
 * its next slice. A page renders in many short tasks, and when each waited behind a slice of a
 * build, a 40 ms page took 300 to 900 ms (150,000 pods, 100 pod changes a second, 200 tabs: the
 * server was half idle). Bounded, so a long request (a write waiting on the API server) delays a
 * build by at most this much, and a change still shows within about 2 s.
 */
const GIVE_WAY_MS = 500;

/**
 * How long one pulse answers everyone asking at the same cache revision with the same visibility.
 * Each open tab's live stream checks the pulse every 250 ms: 200 tabs asked 800 pulses a second,
 * each a pass over every resource's state (6 % of the server's time at 150,000 pods under churn).
 * A change to the cache or a new model is never hidden by it (each asks anew); a change of
 * freshness alone (an error, a lost watch) shows at most this much later.
 */
const PULSE_SHARE_MS = 100;

/** What `runSliced` returns for a build given up between two slices. */
export const ABANDONED = Symbol('abandoned');

/**
 * Runs a model build in slices of `sliceMs`, yielding to the event loop between them. Between
 * slices, `abandon()` may give the build up (it returns ABANDONED), for a newer one to start, and
 * `giveWay()` may return a promise the next slice waits for (the answers under way).
 */
export async function runSliced<T>(
  steps: Generator<void, T, void>,
  opts: { sliceMs?: number; abandon?: () => boolean; giveWay?: () => Promise<void> | undefined } = {},
): Promise<T | typeof ABANDONED> {
  const sliceMs = opts.sliceMs ?? BUILD_SLICE_MS;
  let slice = performance.now();
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (performance.now() - slice >= sliceMs) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      const wait = opts.giveWay?.();
      if (wait) await wait;
      if (opts.abandon?.()) return ABANDONED;
      slice = performance.now();
    }
  }
}

interface Built {
  /** The cache revision the model was built from: what the pulse reports, so a tab refetches when the views change. */
  revision: number;
  /** The cache's priorityRevision it was built from: a model behind it is rebuilt at once. */
  priority: number;
  at: number;
  model: FleetModel;
}

/** One visibility's models: the last built, the one being built, and what is kept between builds. */
interface ModelSlot {
  v: Visibility;
  memo: FleetMemo;
  built?: Built;
  building?: Promise<Built>;
  /** Requests awaiting the build under way: it then does not give way to the answers (theirs among them). */
  awaited: number;
  timer?: ReturnType<typeof setTimeout>;
}

export function createFleetReader(session: FleetSession, opts: FleetReaderOptions = {}): FleetReader {
  const cache = opts.privateCache ? new FleetCache(session.client, opts.cacheOptions) : sharedFleetCache(session.client, opts.cacheOptions);
  cache.start();
  const waitMs = opts.firstSyncWaitMs ?? FIRST_SYNC_WAIT_MS;
  // One model per visibility (everything, and each distinct cut of it), rebuilt as the cache changes.
  const slots = new Map<string, ModelSlot>();
  const MAX_MODELS = 16;
  /** The pulse shared per visibility (PULSE_SHARE_MS), until the cache moves or a model is built. */
  const pulses = new Map<string, { at: number; revision: number; pulse: Promise<FleetPulse> }>();

  let lastBuildMs = 0;
  /**
   * Builds run behind the requests, at most one a SLOW_REBUILD_MS: from the first build that took
   * fastBuildMs or more until one takes under a quarter of it. Without the margin, a big fleet's
   * builds taking now a little less and now a little more (at 150,000 pods under churn, 60 to 200
   * ms) switched between the two, and ran 3 times a second inside the requests.
   */
  let behindRequests = false;
  const builtListeners = new Set<() => void>();
  const fastBuildMs = opts.fastBuildMs ?? FAST_BUILD_MS;
  const minInterval = () => Math.max(opts.minRebuildMs ?? 250, behindRequests ? SLOW_REBUILD_MS : 0, 2 * lastBuildMs);

  /**
   * Builds the model of what the cache holds now. A build under way when a person's change arrives
   * (a SidecarSet edited: see ResourceDef.priority) is given up once for a build that has it, so
   * the change shows after at most about one build's time rather than two.
   */
  const rebuild = (v: Visibility, slot: ModelSlot): Promise<Built> => {
    if (slot.building) return slot.building;
    const run = async (): Promise<Built> => {
      for (let restarts = 0; ; restarts++) {
        const revision = cache.revision;
        const priority = cache.priorityRevision;
        const at = Date.now();
        const t0 = performance.now();
        const snapshot = visibleSnapshot(cache.snapshot(), v);
        // A first model, or one with a person's change, is awaited by someone: it does not give way.
        const behind = slot.built !== undefined && slot.built.priority === priority;
        let gaveWayMs = 0;
        const giveWay = () => {
          if (!behind || slot.awaited > 0 || gaveWayMs >= GIVE_WAY_MS || answersInFlight() === 0) return undefined;
          const t = performance.now();
          return whenAnswered(GIVE_WAY_MS - gaveWayMs).then(() => {
            gaveWayMs += performance.now() - t;
          });
        };
        const model = await runSliced(fleetModelSteps(snapshot, new Date(at), slot.memo), {
          abandon: () => restarts === 0 && cache.priorityRevision !== priority,
          giveWay,
        });
        if (model === ABANDONED) continue;
        // The build's own time, without the time it gave way: what the cadence and the metric are about.
        lastBuildMs = performance.now() - t0 - gaveWayMs;
        if (lastBuildMs >= fastBuildMs) behindRequests = true;
        else if (lastBuildMs < fastBuildMs / 4) behindRequests = false;
        emit({ type: 'model', seconds: lastBuildMs / 1000, pods: snapshot.pods.length });
        const announce = slot.built !== undefined && slot.built.priority !== priority;
        slot.built = { revision, priority, at, model };
        // A stream woken by this build must not be told the last model's revision.
        pulses.delete(v.key);
        if (announce)
          for (const fn of builtListeners) {
            try {
              fn();
            } catch {
              // A listener's failure (a closed stream) must not stop the others.
            }
          }
        return slot.built;
      }
    };
    slot.building = run().finally(() => {
      slot.building = undefined;
    });
    return slot.building;
  };

  const slotFor = (v: Visibility): ModelSlot => {
    let slot = slots.get(v.key);
    if (!slot) {
      if (slots.size >= MAX_MODELS) {
        const [oldest, dropped] = slots.entries().next().value as [string, ModelSlot];
        if (dropped.timer) clearTimeout(dropped.timer);
        slots.delete(oldest);
      }
      slot = { v, memo: createFleetMemo(), awaited: 0 };
      slots.set(v.key, slot);
    }
    return slot;
  };

  /** A build that a request waits for (see ModelSlot.awaited). */
  const awaitBuild = async (v: Visibility, slot: ModelSlot): Promise<Built> => {
    slot.awaited++;
    try {
      return await rebuild(v, slot);
    } finally {
      slot.awaited--;
    }
  };

  /**
   * The model a request answers from. A big fleet changes all the time (kubelet status updates):
   * a model is rebuilt at most every max(minRebuildMs, 2 × the last build's time, and 1 s for a
   * slow build), so aggregation takes at most about half the server's time. A change a person
   * made (a SidecarSet edited) is due at once. A fast build runs in the request; a slow one runs in slices behind the requests,
   * which meanwhile answer from the last model (at most one build behind, and the pulse says which
   * revision that is).
   */
  const model = async (v: Visibility = SEE_EVERYTHING): Promise<FleetModel> => {
    await cache.ready(waitMs);
    const slot = slotFor(v);
    const built = slot.built;
    if (!built) return (await awaitBuild(v, slot)).model;
    const now = Date.now();
    const moved = built.revision !== cache.revision;
    // A person's change (a SidecarSet edited) does not wait its turn behind the fleet's churn.
    const urgent = built.priority !== cache.priorityRevision;
    const due = now - built.at > MODEL_MAX_AGE_MS || urgent || (moved && now - built.at >= minInterval());
    if (due) {
      if (!behindRequests) return (await awaitBuild(v, slot)).model;
      void rebuild(v, slot);
    } else if (moved && !slot.timer) {
      // Not yet due: rebuild when it is, so the pulse moves without another change or request.
      slot.timer = setTimeout(
        () => {
          slot.timer = undefined;
          void rebuild(v, slot);
        },
        minInterval() - (now - built.at),
      );
      slot.timer.unref?.();
    }
    return built.model;
  };

  // A person's change is built as soon as the cache hears of it, not at the next request: the
  // cache tells its listeners of one at once (FleetCache.subscribe).
  const unsubscribeUrgent = cache.subscribe(() => {
    for (const slot of slots.values()) {
      if (slot.built && slot.built.priority !== cache.priorityRevision) void model(slot.v).catch(() => {});
    }
  });

  /**
   * An object's page: "not found" only from a model that has every change the cache has (one just
   * created, say with kubectl a second ago, is not missing because the last model predates it).
   */
  const found = async <T>(v: Visibility = SEE_EVERYTHING, view: (m: FleetModel) => T | null): Promise<T | null> => {
    const answer = view(await model(v));
    if (answer !== null) return answer;
    const slot = slotFor(v);
    const wanted = cache.revision;
    if (slot.built?.revision === wanted) return null;
    let built = await awaitBuild(v, slot);
    // A build already running may have started before the change: then one more.
    if (built.revision < wanted) built = await awaitBuild(v, slot);
    return view(built.model);
  };

  /** The revision the views of this visibility answer from (the pulse's), starting a rebuild when one is due. */
  const viewRevision = async (v: Visibility): Promise<number> => {
    await model(v);
    return slotFor(v).built?.revision ?? cache.revision;
  };

  /** Freshness as a person sees it: no error naming a namespace they may not list pods in. */
  const freshness = (v: Visibility = SEE_EVERYTHING) => {
    const f = cache.freshness();
    if (v.key === SEE_EVERYTHING.key) return f;
    return { ...f, errors: f.errors.filter((e) => e.namespace === undefined || inScope(v.pods, e.namespace)) };
  };

  const pulse = (v: Visibility): Promise<FleetPulse> => {
    const now = performance.now();
    const hit = pulses.get(v.key);
    if (hit && hit.revision === cache.revision && now - hit.at < PULSE_SHARE_MS) return hit.pulse;
    const entry = {
      at: now,
      revision: cache.revision,
      pulse: (async () => ({ revision: await viewRevision(v), freshness: freshness(v) }))(),
    };
    if (pulses.size >= MAX_MODELS) pulses.clear();
    pulses.set(v.key, entry);
    // A failed pulse is not shared: the next asker tries again.
    entry.pulse.catch(() => {
      if (pulses.get(v.key) === entry) pulses.delete(v.key);
    });
    return entry.pulse;
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
    async getOverview(v) {
      const m = await model(v);
      return m.overview({ cluster: clusterInfo(), freshness: freshness(v) });
    },
    async getWorkloads(query, v) {
      const m = await model(v);
      return m.workloads(query, { freshness: freshness(v) });
    },
    async getWorkloadDetail(ref, v) {
      return found(v, (m) => m.workloadDetail(ref, { freshness: freshness(v) }));
    },
    async getSidecarSetDetail(name, detailOpts, v) {
      return found(v, (m) => m.sidecarSetDetail(name, { freshness: freshness(v) }, detailOpts));
    },
    async getPodDetail(namespace, name, v) {
      return found(v, (m) => m.podDetail(namespace, name, { freshness: freshness(v) }));
    },
    async getClusterFleet(v) {
      const m = await model(v);
      const f = freshness(v);
      const cluster = clusterInfo();
      return { cluster, sidecarSets: m.overview({ cluster, freshness: f }).sidecarSets, images: m.sidecarImages(), freshness: f };
    },
    getFleetPulse(v) {
      return pulse(v ?? SEE_EVERYTHING);
    },
    subscribe(listener) {
      return cache.subscribe(() => listener({ revision: cache.revision, freshness: cache.freshness() }));
    },
    onBuilt(listener) {
      builtListeners.add(listener);
      return () => builtListeners.delete(listener);
    },
    stop() {
      unsubscribeUrgent();
      builtListeners.clear();
      for (const slot of slots.values()) if (slot.timer) clearTimeout(slot.timer);
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

/**
 * The Visibility of the person behind the request being served: everything in local mode (the
 * server's own identity), else what their RBAC lets them list. Throws NotSignedIn without one.
 */
export async function requestVisibility(reader: FleetReader, server: FleetSession): Promise<Visibility> {
  if (authSettings().mode === 'local') return SEE_EVERYTHING;
  const session = await requestSession(server);
  await reader.cache.ready(FIRST_SYNC_WAIT_MS);
  return visibilityFor(session, () => reader.cache.snapshot().namespaces.map((n) => n.metadata.name), {
    serverIdentity: session.serverIdentity,
  });
}

export async function getClusterInfo(server: FleetSession): Promise<ClusterInfo> {
  const reader = fleetReader(server);
  const mode = authSettings().mode;
  // Which cluster and as whom: only for someone who may use the dashboard.
  const session = mode === 'local' ? undefined : await requestSession(server);
  const info = await reader.getClusterInfo();
  if (!session || session.serverIdentity) return { ...info, auth: { mode, signedIn: false } };
  // Acting as this person: their name, not the kubeconfig entry or its context.
  const { context: _context, ...rest } = info;
  return { ...rest, user: session.identity.user, auth: { mode, signedIn: mode === 'token' } };
}

export async function getOverview(server: FleetSession): Promise<OverviewView> {
  const reader = fleetReader(server);
  return reader.getOverview(await requestVisibility(reader, server));
}

export async function getWorkloads(query: WorkloadQuery, server: FleetSession): Promise<WorkloadsView> {
  const reader = fleetReader(server);
  return reader.getWorkloads(query, await requestVisibility(reader, server));
}

export async function getWorkloadDetail(ref: WorkloadRef, server: FleetSession): Promise<WorkloadDetailView | null> {
  const reader = fleetReader(server);
  return reader.getWorkloadDetail(ref, await requestVisibility(reader, server));
}

export async function getSidecarSetDetail(
  name: string,
  opts: SidecarSetDetailOptions | undefined,
  server: FleetSession,
): Promise<SidecarSetDetailView | null> {
  const reader = fleetReader(server);
  return reader.getSidecarSetDetail(name, opts, await requestVisibility(reader, server));
}

export async function getPodDetail(namespace: string, name: string, server: FleetSession): Promise<PodDetailView | null> {
  const reader = fleetReader(server);
  return reader.getPodDetail(namespace, name, await requestVisibility(reader, server));
}

export async function getClusterFleet(server: FleetSession): Promise<ClusterFleetView> {
  const reader = fleetReader(server);
  return reader.getClusterFleet(await requestVisibility(reader, server));
}

export async function getFleetPulse(server: FleetSession): Promise<FleetPulse> {
  const reader = fleetReader(server);
  return reader.getFleetPulse(await requestVisibility(reader, server));
}

export function subscribeFleet(listener: (pulse: FleetPulse) => void, session: FleetSession): () => void {
  return fleetReader(session).subscribe(listener);
}

/** Calls `listener` when the session's cluster has a model with a person's change (FleetReader.onBuilt). */
export function onModelBuilt(listener: () => void, session: FleetSession): () => void {
  return fleetReader(session).onBuilt(listener);
}
