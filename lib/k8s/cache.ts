import 'server-only';
import { isDeepStrictEqual } from 'node:util';
import type { ClusterSnapshot, KubeEvent, WorkloadObject } from '@/lib/fleet/cluster-state';
import type { ControllerRevision, Namespace, ObjectMeta, Pod, SidecarSet } from '@/lib/fleet/k8s-types';
import { KRUISE } from '@/lib/fleet/k8s-types';
import type { Freshness } from '@/lib/fleet/views';
import { type FleetClient, kruiseNamespace } from './config';
import { type Discovery, discover } from './discovery';
import type { K8sError } from './errors';
import { openWatch, requestJson, type WatchHandle } from './http';
import { RecoveryProbe, serverAnswers } from './recovery-probe';
import { emit } from './telemetry';
import { trimControllerRevision, trimEvent, trimNamespace, trimPod, trimSidecarSet, trimWorkload } from './trim';

/**
 * ONE list+watch cache per resource per server process (per cluster connection), kept on
 * globalThis so Next's dev HMR and every route handler share it. Pages never list the cluster:
 * they read these maps. Each resource:
 *   - lists in pages of 500 (limit/continue), trimming each object before it is kept;
 *   - watches from the list's resourceVersion with allowWatchBookmarks and timeoutSeconds,
 *     re-watching from the last seen resourceVersion when the server ends the stream;
 *   - relists on 410 Gone, whether it arrives as the HTTP status or as an in-stream ERROR event;
 *   - reconnects with exponential backoff after errors (but never loops on 401/403: those are
 *     kept as the resource's error and retried only when a page asks again after a while), and at
 *     once when the cluster's recovery probe sees a down server answer again (recovery-probe.ts);
 *   - exposes its state: synced, last error with code, staleSince.
 */

export type ResourceName =
  | 'pods'
  | 'sidecarsets'
  | 'namespaces'
  | 'replicasets'
  | 'deployments'
  | 'statefulsets'
  | 'daemonsets'
  | 'controllerrevisions'
  | 'events';

export interface ResourceState {
  resource: ResourceName;
  namespace?: string;
  /** The initial list completed (data is usable, possibly stale). */
  synced: boolean;
  /** The watch is connected right now. */
  watching: boolean;
  /** Since when the data may be missing changes (first failure of the current outage). */
  staleSince?: string;
  lastError?: K8sError & { at: string };
  /** Not applicable on this cluster (e.g. SidecarSets without Kruise). */
  disabled?: boolean;
  lists: number;
  /** Pages the last completed list took (limit/continue). */
  lastListPages: number;
  watches: number;
  /** 410s seen (HTTP status or in-stream ERROR), each followed by a relist. */
  expired: number;
  /** Updates dropped because the kept object did not change (only trimmed-away fields did). */
  unchanged: number;
  items: number;
  /** During the first list: the objects listed so far, and the server's count of all (when it tells). */
  listed?: number;
  listTotal?: number;
}

export interface CacheOptions {
  pageSize?: number;
  /** Server-side watch timeout; the server ends the stream after it and we re-watch. */
  watchTimeoutSeconds?: number;
  /** First retry after a failure; each further one waits twice as long, up to backoffMaxMs (±20% jitter). */
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** While something waits out a backoff, how often the recovery probe asks the server whether it answers again. */
  probeIntervalMs?: number;
  /** After a 401/403, wait at least this long before a page's read may try again. */
  authRetryMs?: number;
  /**
   * A watch that fails and reconnects within this time does not make the data stale: a dropped
   * connection re-opened from the last resourceVersion misses nothing.
   */
  staleGraceMs?: number;
}

const DEFAULTS: Required<CacheOptions> = {
  pageSize: 500,
  watchTimeoutSeconds: 240,
  backoffInitialMs: 500,
  backoffMaxMs: 15_000,
  probeIntervalMs: 1_000,
  authRetryMs: 60_000,
  staleGraceMs: 2_000,
};

interface ResourceDef<T> {
  name: ResourceName;
  path: string;
  /** Set for a per-namespace cache (reported with its errors). */
  namespace?: string;
  labelSelector?: string;
  // biome-ignore lint/suspicious/noExplicitAny: raw API JSON, handed to the trimmer
  trim: (raw: any) => T;
  /**
   * A change a person makes and waits to see (a SidecarSet's spec), as opposed to the churn of a
   * running fleet: it moves `priorityRevision`, and the model is rebuilt without waiting its turn.
   */
  priority?(before: T | undefined, after: T | undefined): boolean;
}

interface ListBody {
  metadata?: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  items?: unknown[];
}

/** Time before the retry after one that waited `previousMs` (0: the first retry), with jitter so caches do not retry in lockstep. */
function backoffAfter(previousMs: number, opts: Required<CacheOptions>): { nominal: number; delay: number } {
  const nominal = previousMs ? Math.min(previousMs * 2, opts.backoffMaxMs) : opts.backoffInitialMs;
  return { nominal, delay: Math.round(nominal * (0.8 + Math.random() * 0.4)) };
}

function keyOf(m: ObjectMeta): string {
  return m.namespace ? `${m.namespace}/${m.name}` : m.name;
}

/** What FleetCache needs from a cache of one resource, whether cluster-wide or per namespace. */
interface CacheSource {
  readonly revision: number;
  start(): void;
  stop(): void;
  whenSettled(ms: number): Promise<void>;
  poke(): void;
  /** The server answers again: retry now rather than wait out the backoff. */
  wake(): void;
  states(): ResourceState[];
}

export class ResourceCache<T extends { metadata: ObjectMeta }> implements CacheSource {
  readonly items = new Map<string, T>();
  /**
   * The first list while it runs, page by page: views read it (marked partial, with the count so
   * far) so a 150,000-pod cluster shows its SidecarSets and first pods in seconds, not after the
   * last of 300 pages. Relists keep showing the last complete list instead.
   */
  private listing: Map<string, T> | undefined;
  /** Bumped on every change to `items` (and on state changes), for memoizing views. */
  revision = 0;
  /** Bumped on every change `def.priority` marks, and on every complete list (which may hold one). */
  priorityRevision = 0;
  private rv = '';
  private stopped = false;
  private started = false;
  private handle: WatchHandle | undefined;
  private timer: NodeJS.Timeout | undefined;
  private retry: (() => void) | undefined;
  private backoff = 0;
  private authBlockedUntil = 0;
  /** Who waits for the first list, and until when (see whenSettled). */
  private syncWaiters: Array<{ until: number; release: () => void }> = [];
  /**
   * When the first list should end at the pace of its pages so far (pages after the first, which
   * also pays for the connection), from the items the server says remain; undefined until known.
   */
  private listDoneBy: number | undefined;
  /** A watch was opened since the last list: the next one is a restart. */
  private watchedSinceList = false;
  readonly state: ResourceState;

  constructor(
    private readonly client: FleetClient,
    private readonly def: ResourceDef<T>,
    private readonly opts: Required<CacheOptions>,
    private readonly onChange: () => void,
    /** Called on a 403 to the list; returning true hands the resource over (see ScopedCache). */
    private readonly onForbidden?: () => boolean,
    /** Told whenever this resource starts waiting out a backoff; it wakes us when the server is back. */
    private readonly probe?: RecoveryProbe,
  ) {
    this.state = {
      resource: def.name,
      synced: false,
      watching: false,
      lists: 0,
      lastListPages: 0,
      watches: 0,
      expired: 0,
      unchanged: 0,
      items: 0,
    };
    if (def.namespace) this.state.namespace = def.namespace;
  }

  states(): ResourceState[] {
    return [{ ...this.state }];
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    void this.list();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.retry = undefined;
    this.handle?.abort();
    this.handle = undefined;
    this.releaseWaiters();
  }

  /** Marks a resource the cluster does not serve; it is then neither an error nor stale. */
  disable(): void {
    this.state.disabled = true;
    this.state.synced = true;
    this.releaseWaiters();
  }

  /** Resolves once the first list finished or failed (or after `ms`). */
  whenSettled(ms: number): Promise<void> {
    if (this.state.synced || this.state.lastError || this.stopped) return Promise.resolve();
    const until = Date.now() + ms;
    if (this.listEndsAfter(until)) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.syncWaiters.push({
        until,
        release: () => {
          clearTimeout(t);
          resolve();
        },
      });
    });
  }

  /** A page asked for data: if the last failure was 401/403 long enough ago, try once more. */
  poke(): void {
    if (this.stopped || !this.started) return;
    const e = this.state.lastError;
    if (e && (e.kind === 'Forbidden' || e.kind === 'Unauthorized') && !this.handle && !this.timer) {
      if (Date.now() >= this.authBlockedUntil) void this.list();
    }
  }

  wake(): void {
    const fn = this.retry;
    if (this.stopped || !this.timer || !fn) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.retry = undefined;
    fn();
  }

  private releaseWaiters(): void {
    const w = this.syncWaiters;
    this.syncWaiters = [];
    for (const { release } of w) release();
  }

  /** The first list will not have ended by `until`, at its pace so far. */
  private listEndsAfter(until: number): boolean {
    return this.listDoneBy !== undefined && this.listDoneBy > until;
  }

  /**
   * A first list that will not end before a waiter's time is up releases that waiter now: a big
   * cluster's first answer then comes after two pages, partial, instead of after the whole wait
   * for a list that cannot finish in it. A list that will finish in time is waited for, so a
   * small cluster's first answer is complete.
   */
  private projectListEnd(pages: number, laterPagesMs: number, remaining: number | undefined): void {
    if (pages < 2 || remaining === undefined) return;
    const pagesLeft = Math.ceil(remaining / this.opts.pageSize);
    this.listDoneBy = Date.now() + (laterPagesMs / (pages - 1)) * pagesLeft;
    const waiting = this.syncWaiters;
    this.syncWaiters = [];
    for (const w of waiting) {
      if (this.listEndsAfter(w.until)) w.release();
      else this.syncWaiters.push(w);
    }
  }

  private changed(): void {
    this.revision++;
    this.state.items = this.items.size;
    this.onChange();
  }

  private async list(): Promise<void> {
    if (this.stopped) return;
    this.state.lists++;
    const next = new Map<string, T>();
    let cont: string | undefined;
    let rv = '';
    let pages = 0;
    // The time the pages after the first took, for projectListEnd.
    let laterPagesMs = 0;
    do {
      pages++;
      const pageStart = performance.now();
      const r = await requestJson<ListBody>(this.client, {
        path: this.def.path,
        query: { limit: this.opts.pageSize, continue: cont, labelSelector: this.def.labelSelector },
        timeoutMs: 60_000,
      });
      if (this.stopped) return;
      if (!r.ok) {
        this.endListing();
        // An expired continue token (410) means the list took too long: start over at once.
        if (r.error.kind === 'Gone' && cont) {
          this.signal({ type: 'expired' });
          return this.list();
        }
        this.signal({ type: 'list', pages, ok: false, errorKind: r.error.kind });
        return this.failed(r.error, 'list');
      }
      for (const raw of r.value.items ?? []) {
        const obj = this.def.trim(raw);
        next.set(keyOf(obj.metadata), obj);
      }
      cont = r.value.metadata?.continue || undefined;
      rv = r.value.metadata?.resourceVersion ?? rv;
      if (cont && !this.state.synced) {
        this.listing = next;
        this.state.listed = next.size;
        const remaining = r.value.metadata?.remainingItemCount;
        if (remaining !== undefined) this.state.listTotal = next.size + remaining;
        if (pages > 1) laterPagesMs += performance.now() - pageStart;
        this.projectListEnd(pages, laterPagesMs, remaining);
        this.changed();
      }
    } while (cont);
    this.endListing();
    this.items.clear();
    for (const [k, v] of next) this.items.set(k, v);
    this.rv = rv;
    this.state.lastListPages = pages;
    this.signal({ type: 'list', pages, ok: true });
    this.watchedSinceList = false;
    this.state.synced = true;
    this.state.lastError = undefined;
    if (this.def.priority) this.priorityRevision++;
    this.changed();
    this.releaseWaiters();
    this.watch();
  }

  private watch(): void {
    if (this.stopped) return;
    this.state.watches++;
    this.signal({ type: 'watch', restart: this.watchedSinceList });
    this.watchedSinceList = true;
    const openedAt = Date.now();
    let sawEvent = false;
    let gone = false;
    const idleMs = (this.opts.watchTimeoutSeconds + 30) * 1000;
    const handle = openWatch(
      this.client,
      this.def.path,
      {
        resourceVersion: this.rv || undefined,
        allowWatchBookmarks: true,
        timeoutSeconds: this.opts.watchTimeoutSeconds,
        labelSelector: this.def.labelSelector,
      },
      (ev) => {
        if (this.handle !== handle) return;
        if (!sawEvent) {
          sawEvent = true;
          this.connected();
        }
        // biome-ignore lint/suspicious/noExplicitAny: raw watch payload
        const obj = ev.object as any;
        switch (ev.type) {
          case 'ADDED':
          case 'MODIFIED': {
            const t = this.def.trim(obj);
            const key = keyOf(t.metadata);
            this.rv = obj?.metadata?.resourceVersion ?? this.rv;
            // An update of what the dashboard does not keep (a ReplicaSet's status, a pod's other
            // annotations) trims to an equal object: the views cannot change, so nothing is redone.
            const before = this.items.get(key);
            if (before && isDeepStrictEqual(before, t)) {
              this.state.unchanged++;
              break;
            }
            this.items.set(key, t);
            if (this.def.priority?.(before, t)) this.priorityRevision++;
            this.changed();
            break;
          }
          case 'DELETED': {
            const t = this.def.trim(obj);
            const key = keyOf(t.metadata);
            if (this.def.priority?.(this.items.get(key), undefined)) this.priorityRevision++;
            this.items.delete(key);
            this.rv = obj?.metadata?.resourceVersion ?? this.rv;
            this.changed();
            break;
          }
          case 'BOOKMARK':
            this.rv = obj?.metadata?.resourceVersion ?? this.rv;
            break;
          case 'ERROR':
            // In-stream Status: 410 Expired means our resourceVersion is too old for the server.
            if (obj?.code === 410 || obj?.reason === 'Expired' || obj?.reason === 'Gone') gone = true;
            handle.abort();
            break;
        }
      },
      (err) => {
        if (this.handle !== handle) return;
        this.handle = undefined;
        this.state.watching = false;
        if (this.stopped) return;
        if (gone || err?.kind === 'Gone') {
          this.state.expired++;
          this.signal({ type: 'expired' });
          this.rv = '';
          void this.list();
          return;
        }
        if (err) return this.failed(err, 'watch');
        // The server ended the stream (timeoutSeconds). Re-watch from where we are; a server that
        // ends streams at once gets the backoff so we never spin.
        if (!sawEvent && Date.now() - openedAt < 1000) return this.retryLater(() => this.watch());
        this.watch();
      },
      idleMs,
      () => {
        if (this.handle === handle) this.connected();
      },
    );
    this.handle = handle;
  }

  /** The watch got its 200: the data is live again. */
  private connected(): void {
    this.state.watching = true;
    this.backoff = 0;
    const wasStale = this.state.staleSince !== undefined || this.state.lastError !== undefined;
    this.state.staleSince = undefined;
    this.state.lastError = undefined;
    if (wasStale) this.changed();
  }

  private failed(error: K8sError, during: 'list' | 'watch'): void {
    const now = new Date().toISOString();
    const auth = error.kind === 'Forbidden' || error.kind === 'Unauthorized';
    if (auth && during === 'list' && error.kind === 'Forbidden' && this.onForbidden?.()) {
      // Someone else (per-namespace caches) serves this resource now.
      this.stop();
      return;
    }
    this.state.lastError = { ...error, at: now };
    this.state.watching = false;
    // A refusal is an error shown in place, not staleness: the data we have is as fresh as it gets.
    if (!auth || this.state.synced) {
      if (this.state.staleSince === undefined) {
        this.state.staleSince = now;
        // Freshness forgives a short gap; tell listeners once the gap is no longer short.
        const t = setTimeout(() => {
          if (this.state.staleSince === now && !this.stopped) this.changed();
        }, this.opts.staleGraceMs + 50);
        t.unref?.();
      }
    }
    this.changed();
    this.releaseWaiters();
    if (auth) {
      // Asking again would only be refused again; a page read re-tries after authRetryMs.
      this.authBlockedUntil = Date.now() + this.opts.authRetryMs;
      return;
    }
    this.retryLater(() => (during === 'list' || !this.state.synced ? void this.list() : this.watch()));
  }

  private retryLater(fn: () => void): void {
    const { nominal, delay } = backoffAfter(this.backoff, this.opts);
    this.backoff = nominal;
    this.retry = fn;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.retry = undefined;
      fn();
    }, delay);
    this.timer.unref?.();
    this.probe?.trouble();
  }

  values(): T[] {
    return [...(!this.state.synced && this.listing ? this.listing : this.items).values()];
  }

  private endListing(): void {
    this.listing = undefined;
    this.listDoneBy = undefined;
    delete this.state.listed;
    delete this.state.listTotal;
  }

  /** Reports a fact about this resource to lib/k8s/telemetry.ts listeners (metrics). */
  private signal(
    s: { type: 'list'; pages: number; ok: boolean; errorKind?: string } | { type: 'watch'; restart: boolean } | { type: 'expired' },
  ): void {
    emit({ ...s, resource: this.def.name, ...(this.def.namespace ? { namespace: this.def.namespace } : {}) });
  }
}

/**
 * A namespaced resource, cluster-wide when allowed. When the cluster-wide list is forbidden (an
 * identity bound per namespace with RoleBindings), it falls back to one cache per namespace it
 * can see: namespaces that refuse show their 403 in place and the rest still renders.
 */
export class ScopedCache<T extends { metadata: ObjectMeta }> implements CacheSource {
  private readonly cluster: ResourceCache<T>;
  private readonly perNamespace = new Map<string, ResourceCache<T>>();
  private namespaced = false;
  private stopped = false;
  private setRevision = 0;

  constructor(
    private readonly client: FleetClient,
    private readonly def: ResourceDef<T> & { namespacedPath: (ns: string) => string },
    private readonly opts: Required<CacheOptions>,
    private readonly onChange: () => void,
    private readonly namespaces: ResourceCache<Namespace>,
    private readonly probe?: RecoveryProbe,
  ) {
    this.cluster = new ResourceCache<T>(
      client,
      def,
      opts,
      onChange,
      () => {
        this.namespaced = true;
        this.syncNamespaces();
        return true;
      },
      probe,
    );
  }

  get revision(): number {
    let r = this.cluster.revision + this.setRevision;
    for (const c of this.perNamespace.values()) r += c.revision;
    return r;
  }

  /** True once the resource is served per namespace. */
  get isNamespaced(): boolean {
    return this.namespaced;
  }

  start(): void {
    this.cluster.start();
  }

  stop(): void {
    this.stopped = true;
    this.cluster.stop();
    for (const c of this.perNamespace.values()) c.stop();
  }

  /** Keeps one cache per visible namespace (called whenever the namespaces change). */
  syncNamespaces(): void {
    if (!this.namespaced || this.stopped) return;
    const want = new Set(this.namespaces.values().map((n) => n.metadata.name));
    let changed = false;
    for (const [ns, c] of this.perNamespace) {
      if (!want.has(ns)) {
        c.stop();
        // Keep the sum monotonic: a revision that went down could match an older memoised model.
        this.setRevision += c.revision;
        this.perNamespace.delete(ns);
        changed = true;
      }
    }
    for (const ns of want) {
      if (this.perNamespace.has(ns)) continue;
      const c = new ResourceCache<T>(
        this.client,
        { ...this.def, path: this.def.namespacedPath(ns), namespace: ns },
        this.opts,
        this.onChange,
        undefined,
        this.probe,
      );
      this.perNamespace.set(ns, c);
      c.start();
      changed = true;
    }
    if (changed) {
      this.setRevision++;
      this.onChange();
    }
  }

  async whenSettled(ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    await this.cluster.whenSettled(ms);
    if (!this.namespaced) return;
    await this.namespaces.whenSettled(Math.max(0, deadline - Date.now()));
    this.syncNamespaces();
    const left = Math.max(0, deadline - Date.now());
    await Promise.all([...this.perNamespace.values()].map((c) => c.whenSettled(left)));
  }

  poke(): void {
    if (!this.namespaced) this.cluster.poke();
    for (const c of this.perNamespace.values()) c.poke();
  }

  wake(): void {
    this.cluster.wake();
    for (const c of this.perNamespace.values()) c.wake();
  }

  states(): ResourceState[] {
    // Without visible namespaces the fallback has nothing to show: report the cluster-wide refusal.
    if (!this.namespaced || this.perNamespace.size === 0) {
      const st = this.cluster.states();
      if (this.namespaced && st[0])
        st[0].lastError ??= {
          kind: 'Forbidden',
          code: 403,
          message: `cannot list ${this.def.name} in any namespace`,
          at: new Date().toISOString(),
        };
      return st;
    }
    return [...this.perNamespace.values()].flatMap((c) => c.states());
  }

  values(): T[] {
    if (!this.namespaced) return this.cluster.values();
    const out: T[] = [];
    for (const c of this.perNamespace.values()) for (const v of c.items.values()) out.push(v);
    return out;
  }
}

export interface FleetCacheState {
  discovery: Discovery | undefined;
  resources: ResourceState[];
}

/** The set of resource caches for one cluster connection. */
export class FleetCache {
  readonly namespaces: ResourceCache<Namespace>;
  readonly pods: ScopedCache<Pod>;
  readonly replicasets: ScopedCache<WorkloadObject>;
  readonly deployments: ScopedCache<WorkloadObject>;
  readonly statefulsets: ScopedCache<WorkloadObject>;
  readonly daemonsets: ScopedCache<WorkloadObject>;
  readonly events: ScopedCache<KubeEvent>;
  readonly controllerrevisions: ResourceCache<ControllerRevision>;
  sidecarsets: ResourceCache<SidecarSet> | undefined;
  discovery: Discovery | undefined;
  private discovering: Promise<void> | undefined;
  /** The first discovery finished (ready() then waits for the lists only). */
  private discovered = false;
  private listeners = new Set<() => void>();
  private notifyTimer: NodeJS.Timeout | undefined;
  /** The priorityRevision the listeners last heard. */
  private heardPriority = 0;
  private stopped = false;
  private readonly opts: Required<CacheOptions>;
  private discoveryRevision = 0;
  private rediscoverTimer: NodeJS.Timeout | undefined;
  /** Set while discovery failed and waits to be asked again: the recovery probe may start it early. */
  private rediscover: (() => void) | undefined;
  private discoveryBackoff = 0;
  private readonly probe: RecoveryProbe;

  constructor(
    readonly client: FleetClient,
    opts: CacheOptions = {},
  ) {
    this.opts = { ...DEFAULTS, ...opts };
    const probeTimeoutMs = Math.max(this.opts.probeIntervalMs, 2_000);
    this.probe = new RecoveryProbe(
      () => serverAnswers(client, probeTimeoutMs),
      this.opts.probeIntervalMs,
      () => this.wake(),
    );
    const notify = () => this.notify();
    this.namespaces = new ResourceCache<Namespace>(
      client,
      { name: 'namespaces', path: '/api/v1/namespaces', trim: trimNamespace },
      this.opts,
      () => {
        // Per-namespace fallbacks follow the namespaces that come and go.
        for (const c of this.scoped()) c.syncNamespaces();
        this.notify();
      },
      undefined,
      this.probe,
    );
    const scoped = <T extends { metadata: ObjectMeta }>(name: ResourceName, group: string, trim: (raw: unknown) => T) =>
      new ScopedCache<T>(
        client,
        { name, path: `${group}/${name}`, namespacedPath: (ns) => `${group}/namespaces/${ns}/${name}`, trim },
        this.opts,
        notify,
        this.namespaces,
        this.probe,
      );
    this.pods = scoped('pods', '/api/v1', trimPod);
    this.replicasets = scoped('replicasets', '/apis/apps/v1', trimWorkload);
    this.deployments = scoped('deployments', '/apis/apps/v1', trimWorkload);
    this.statefulsets = scoped('statefulsets', '/apis/apps/v1', trimWorkload);
    this.daemonsets = scoped('daemonsets', '/apis/apps/v1', trimWorkload);
    this.events = scoped('events', '/api/v1', trimEvent);
    this.controllerrevisions = new ResourceCache<ControllerRevision>(
      client,
      {
        name: 'controllerrevisions',
        path: `/apis/apps/v1/namespaces/${kruiseNamespace()}/controllerrevisions`,
        labelSelector: KRUISE.revisionSidecarSetLabel,
        trim: trimControllerRevision,
      },
      this.opts,
      notify,
      undefined,
      this.probe,
    );
  }

  private scoped(): ScopedCache<{ metadata: ObjectMeta }>[] {
    // Called from the namespaces cache's first change, which can come before the fields are set.
    return [this.pods, this.replicasets, this.deployments, this.statefulsets, this.daemonsets, this.events].filter(
      (c) => c !== undefined,
    ) as ScopedCache<{ metadata: ObjectMeta }>[];
  }

  private all(): CacheSource[] {
    const list: CacheSource[] = [this.namespaces, ...this.scoped(), this.controllerrevisions];
    if (this.sidecarsets) list.push(this.sidecarsets);
    return list;
  }

  start(): void {
    if (this.discovering) return;
    for (const c of this.all()) c.start();
    this.discovering = this.runDiscovery().then(() => {
      this.discovered = true;
    });
  }

  private async runDiscovery(): Promise<void> {
    const d = await discover(this.client);
    if (this.stopped) return;
    this.discovery = d;
    this.discoveryRevision++;
    if (d.kruiseVersion && !this.sidecarsets) {
      this.sidecarsets = new ResourceCache<SidecarSet>(
        this.client,
        {
          name: 'sidecarsets',
          path: `/apis/apps.kruise.io/${d.kruiseVersion}/sidecarsets`,
          trim: trimSidecarSet,
          // Created, deleted, or its spec changed (image, partition, paused): someone is watching for it.
          priority: (before, after) => !before || !after || before.metadata.generation !== after.metadata.generation,
        },
        this.opts,
        () => this.notify(),
        undefined,
        this.probe,
      );
      this.sidecarsets.start();
    }
    // Kruise not installed (a clean answer, not a failure): there are no SidecarSet revisions to wait for.
    if (!d.kruiseVersion && !d.error) this.controllerrevisions.disable();
    this.notify();
    // Discovery that failed (cluster down) or found no Kruise is asked again later: Kruise may be
    // installed while the dashboard runs, and a down cluster comes back. A failure backs off like
    // the resources do, and the recovery probe starts it early when the server answers again.
    if (!this.sidecarsets) {
      let delay = 60_000;
      if (d.error) {
        const b = backoffAfter(this.discoveryBackoff, this.opts);
        this.discoveryBackoff = b.nominal;
        delay = b.delay;
      } else {
        this.discoveryBackoff = 0;
      }
      const again = () => {
        this.rediscoverTimer = undefined;
        this.rediscover = undefined;
        void this.runDiscovery();
      };
      this.rediscover = d.error ? again : undefined;
      this.rediscoverTimer = setTimeout(again, delay);
      this.rediscoverTimer.unref?.();
      if (d.error) this.probe.trouble();
    } else {
      this.discoveryBackoff = 0;
    }
  }

  /** The recovery probe saw the server answer again: everything waiting out a backoff retries now. */
  private wake(): void {
    if (this.stopped) return;
    const rediscover = this.rediscover;
    if (rediscover && this.rediscoverTimer) {
      clearTimeout(this.rediscoverTimer);
      rediscover();
    }
    for (const c of this.all()) c.wake();
  }

  /** Resolves when discovery and every first list are done or failed, or after `ms`. */
  async ready(ms = 10_000): Promise<void> {
    this.start();
    const deadline = Date.now() + ms;
    // Asked by every pulse of every open stream (hundreds a second): once discovery is done, no
    // timer per call (one that outlived the race held its promise for `ms`).
    if (!this.discovered) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.discovering, new Promise((r) => (timer = setTimeout(r, ms)))]).finally(() => clearTimeout(timer));
    }
    const left = Math.max(0, deadline - Date.now());
    await Promise.all(this.all().map((c) => c.whenSettled(left)));
    for (const c of this.all()) c.poke();
  }

  /** Changes whenever anything any view reads has changed. */
  get revision(): number {
    let r = this.discoveryRevision;
    for (const c of this.all()) r += c.revision;
    return r;
  }

  /** Changes with the changes a person waits to see (see ResourceDef.priority): SidecarSets made, removed or edited. */
  get priorityRevision(): number {
    return this.sidecarsets?.priorityRevision ?? 0;
  }

  snapshot(): ClusterSnapshot {
    return {
      pods: this.pods.values(),
      sidecarSets: this.sidecarsets?.values() ?? [],
      namespaces: this.namespaces.values(),
      replicaSets: this.replicasets.values(),
      deployments: this.deployments.values(),
      statefulSets: this.statefulsets.values(),
      daemonSets: this.daemonsets.values(),
      revisions: this.controllerrevisions.values(),
      events: this.events.values(),
    };
  }

  state(): FleetCacheState {
    return { discovery: this.discovery, resources: this.all().flatMap((c) => c.states()) };
  }

  /**
   * A first list still running (its views are partial): what a rollout preview or the guard must
   * never plan over, since Kruise plans over every pod. Undefined when every list is complete.
   */
  firstListing(): { resource: string; listed: number; total?: number } | undefined {
    for (const s of this.all().flatMap((c) => c.states())) {
      if (s.synced || s.disabled || s.listed === undefined) continue;
      return s.listTotal === undefined
        ? { resource: s.resource, listed: s.listed }
        : { resource: s.resource, listed: s.listed, total: s.listTotal };
    }
    return undefined;
  }

  /** Freshness of the data behind a response that read `resources` (all of them by default). */
  freshness(resources?: ResourceName[], now = new Date()): Freshness {
    const wanted = resources ? new Set(resources) : undefined;
    const errors: Freshness['errors'] = [];
    let live = true;
    let staleSince: string | undefined;
    for (const s of this.all().flatMap((c) => c.states())) {
      if (wanted && !wanted.has(s.resource)) continue;
      if (s.disabled) continue;
      // A refusal (401/403) is shown as an error in place; only lost contact makes data stale.
      const refused = s.lastError?.kind === 'Forbidden' || s.lastError?.kind === 'Unauthorized';
      const brief = s.staleSince !== undefined && s.synced && now.getTime() - Date.parse(s.staleSince) < this.opts.staleGraceMs;
      if (s.lastError && !brief) {
        const e: Freshness['errors'][number] = { resource: s.resource, message: s.lastError.message };
        if (s.namespace) e.namespace = s.namespace;
        if (s.lastError.code !== undefined) e.code = s.lastError.code;
        errors.push(e);
      }
      const healthy = (s.staleSince === undefined || brief) && (refused || brief || (s.synced && !s.lastError));
      if (!healthy) {
        live = false;
        const since = s.staleSince ?? s.lastError?.at;
        if (since && (!staleSince || since < staleSince)) staleSince = since;
      }
    }
    if (this.discovery?.error && !this.sidecarsets) {
      errors.push({ resource: 'discovery', code: this.discovery.error.code, message: this.discovery.error.message });
    }
    const out: Freshness = { live, errors, generatedAt: now.toISOString() };
    if (staleSince) out.staleSince = staleSince;
    const listing = this.all()
      .flatMap((c) => c.states())
      .filter((s) => (!wanted || wanted.has(s.resource)) && !s.synced && !s.disabled && s.listed !== undefined)
      .map((s) => {
        const l: NonNullable<Freshness['listing']>[number] = { resource: s.resource, listed: s.listed ?? 0 };
        if (s.namespace) l.namespace = s.namespace;
        if (s.listTotal !== undefined) l.total = s.listTotal;
        return l;
      });
    if (listing.length > 0) out.listing = listing;
    return out;
  }

  /**
   * Listeners hear about the fleet's changes at most every 250 ms (a 10,000-pod fleet changes
   * constantly), and about a person's change (ResourceDef.priority: a SidecarSet made, deleted or
   * edited) at once.
   */
  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private notify(): void {
    if (this.listeners.size === 0) return;
    const urgent = this.priorityRevision !== this.heardPriority;
    if (this.notifyTimer && !urgent) return;
    if (this.notifyTimer) clearTimeout(this.notifyTimer);
    this.notifyTimer = setTimeout(
      () => {
        this.notifyTimer = undefined;
        this.heardPriority = this.priorityRevision;
        for (const fn of this.listeners) {
          try {
            fn();
          } catch {
            // A listener's failure (a closed SSE stream) must not stop the others.
          }
        }
      },
      urgent ? 0 : 250,
    );
    this.notifyTimer.unref?.();
  }

  stop(): void {
    this.stopped = true;
    if (this.notifyTimer) clearTimeout(this.notifyTimer);
    if (this.rediscoverTimer) clearTimeout(this.rediscoverTimer);
    this.probe.stop();
    for (const c of this.all()) c.stop();
    this.listeners.clear();
  }
}

/**
 * The shared caches: one per cluster connection per server process, created on first use and
 * dropped (watches closed, memory freed) once nothing has read it for `idleMs`, unless something
 * holds it (the rollout guard does while a SidecarSet there opts in). Kept on globalThis so Next's
 * dev HMR and every route handler share them.
 */
interface SharedEntry {
  client: FleetClient;
  cache: FleetCache;
  lastUsed: number;
  holds: number;
}

interface SharedCaches {
  entries: Map<string, SharedEntry>;
  idleMs: number;
  sweeper?: NodeJS.Timeout;
  created: Set<(cache: FleetCache) => void>;
  dropped: Set<(cache: FleetCache) => void>;
}

const CACHES_KEY = Symbol.for('sidecar-fleet.caches');
type CacheHolder = { [CACHES_KEY]?: SharedCaches };

/** Default idle time before a shared cache is dropped: SIDECAR_FLEET_CACHE_IDLE_SECONDS, else 10 minutes. */
function idleFromEnv(): number {
  const s = Number(process.env.SIDECAR_FLEET_CACHE_IDLE_SECONDS);
  return Number.isFinite(s) && s > 0 ? s * 1000 : 600_000;
}

function shared(): SharedCaches {
  const g = globalThis as CacheHolder;
  g[CACHES_KEY] ??= { entries: new Map(), idleMs: idleFromEnv(), created: new Set(), dropped: new Set() };
  return g[CACHES_KEY];
}

function sweep(now = Date.now()): void {
  const s = shared();
  for (const [key, e] of s.entries) {
    if (e.holds === 0 && now - e.lastUsed >= s.idleMs) drop(key);
  }
  if (s.entries.size === 0 && s.sweeper) {
    clearInterval(s.sweeper);
    s.sweeper = undefined;
  }
}

function drop(key: string): void {
  const s = shared();
  const e = s.entries.get(key);
  if (!e) return;
  s.entries.delete(key);
  e.cache.stop();
  for (const fn of s.dropped) fn(e.cache);
}

function entryFor(client: FleetClient, opts?: CacheOptions): SharedEntry {
  const s = shared();
  let e = s.entries.get(client.key);
  if (!e) {
    e = { client, cache: new FleetCache(client, opts), lastUsed: Date.now(), holds: 0 };
    s.entries.set(client.key, e);
    e.cache.start();
    if (!s.sweeper) {
      s.sweeper = setInterval(() => sweep(), Math.max(1000, Math.min(s.idleMs / 4, 60_000)));
      s.sweeper.unref?.();
    }
    for (const fn of s.created) fn(e.cache);
  }
  e.lastUsed = Date.now();
  return e;
}

/** The process-wide cache for a client's cluster connection, created and started on first use; each call counts as a use. */
export function sharedFleetCache(client: FleetClient, opts?: CacheOptions): FleetCache {
  return entryFor(client, opts).cache;
}

/** The shared cache if one is open now (no use counted, nothing created). */
export function openSharedFleetCache(client: FleetClient): FleetCache | undefined {
  return shared().entries.get(client.key)?.cache;
}

/** Keeps the shared cache open, however long nobody reads it, until `release()`. */
export function holdSharedFleetCache(client: FleetClient): { cache: FleetCache; release: () => void } {
  const e = entryFor(client);
  e.holds++;
  let released = false;
  return {
    cache: e.cache,
    release() {
      if (released) return;
      released = true;
      e.holds = Math.max(0, e.holds - 1);
      e.lastUsed = Date.now();
    },
  };
}

/** Hooks for what lives beside a shared cache (the rollout guard): called when one opens and when one is dropped. */
export function onSharedFleetCache(hooks: { created?: (cache: FleetCache) => void; dropped?: (cache: FleetCache) => void }): () => void {
  const s = shared();
  if (hooks.created) s.created.add(hooks.created);
  if (hooks.dropped) s.dropped.add(hooks.dropped);
  return () => {
    if (hooks.created) s.created.delete(hooks.created);
    if (hooks.dropped) s.dropped.delete(hooks.dropped);
  };
}

/** Drops shared caches idle for at least `idleMs` now (the timer does this by itself; tests call it). */
export function sweepSharedFleetCaches(idleMs?: number): void {
  const s = shared();
  if (idleMs === undefined) {
    sweep();
    return;
  }
  const before = s.idleMs;
  s.idleMs = idleMs;
  try {
    sweep();
  } finally {
    s.idleMs = before;
  }
}

/** Every shared cache of this process (metrics and readiness report on them). */
export function sharedFleetCaches(): FleetCache[] {
  return [...((globalThis as CacheHolder)[CACHES_KEY]?.entries.values() ?? [])].map((e) => e.cache);
}

/** Stops every shared cache: their watches close (graceful shutdown). */
export function stopSharedFleetCaches(): number {
  const caches = sharedFleetCaches();
  for (const c of caches) c.stop();
  return caches.length;
}

/** Stops and forgets a shared cache (tests, or a kubeconfig change). */
export function dropSharedFleetCache(client: FleetClient): void {
  drop(client.key);
}
