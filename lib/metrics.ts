import 'server-only';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { type ResourceState, sharedFleetCaches } from '@/lib/k8s/cache';
import { onSignal } from '@/lib/k8s/telemetry';

/**
 * The Prometheus metrics of this server process, served at /metrics. Counters follow what
 * lib/k8s reports (lib/k8s/telemetry.ts); the cache gauges are read from the shared watch caches
 * at each scrape; the request histogram is fed by lib/server/request-hooks.ts.
 *
 * One registry per process, on globalThis: Next gives /metrics and instrumentation.ts separate
 * copies of this module, and two registries would each see half the story.
 */

export interface FleetMetrics {
  registry: Registry;
  requestDuration: Histogram<'method' | 'route' | 'status'>;
}

const KEY = Symbol.for('sidecar-fleet.metrics');
type Holder = { [KEY]?: FleetMetrics };

/** Seconds: from a cache hit (a few ms) to a slow first list of a large fleet. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export function fleetMetrics(): FleetMetrics {
  const g = globalThis as Holder;
  if (g[KEY]) return g[KEY];
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'sidecar_fleet_' });
  const registers = [registry];

  const resourceLabels = ['cluster', 'resource', 'namespace'] as const;
  new Gauge({
    name: 'sidecar_fleet_cache_synced',
    help: 'Whether the watch cache of a resource completed its initial list (1) or not (0); disabled resources are not reported.',
    labelNames: resourceLabels,
    registers,
    collect() {
      this.reset();
      forEachResource((labels, s) => this.set(labels, s.synced ? 1 : 0));
    },
  });
  new Gauge({
    name: 'sidecar_fleet_cache_watching',
    help: 'Whether the watch of a resource is connected right now.',
    labelNames: resourceLabels,
    registers,
    collect() {
      this.reset();
      forEachResource((labels, s) => this.set(labels, s.watching ? 1 : 0));
    },
  });
  new Gauge({
    name: 'sidecar_fleet_cache_stale_seconds',
    help: 'How long the cached data of a resource may have been missing changes (0 while its watch is live).',
    labelNames: resourceLabels,
    registers,
    collect() {
      this.reset();
      const now = Date.now();
      forEachResource((labels, s) => this.set(labels, s.staleSince ? Math.max(0, (now - Date.parse(s.staleSince)) / 1000) : 0));
    },
  });
  new Gauge({
    name: 'sidecar_fleet_cache_objects',
    help: 'Objects held in the watch cache of a resource.',
    labelNames: resourceLabels,
    registers,
    collect() {
      this.reset();
      forEachResource((labels, s) => this.set(labels, s.items));
    },
  });
  const lastList = new Gauge({
    name: 'sidecar_fleet_cache_last_list_timestamp_seconds',
    help: 'When the last complete list of a resource finished (Unix time); time() minus it is the age of the snapshot the watch builds on.',
    labelNames: ['resource', 'namespace'],
    registers,
  });
  const lists = new Counter({
    name: 'sidecar_fleet_lists_total',
    help: 'Lists of a resource (each one every page of it), by result.',
    labelNames: ['resource', 'result'],
    registers,
  });
  const listPages = new Counter({
    name: 'sidecar_fleet_list_pages_total',
    help: 'Pages (limit/continue) requested while listing a resource.',
    labelNames: ['resource'],
    registers,
  });
  const watchRestarts = new Counter({
    name: 'sidecar_fleet_watch_restarts_total',
    help: 'Watches opened again without a list: after the server ended the stream, or after an error.',
    labelNames: ['resource'],
    registers,
  });
  const expired = new Counter({
    name: 'sidecar_fleet_watch_expired_total',
    help: '410 Gone answers (too old a resourceVersion), each followed by a relist.',
    labelNames: ['resource'],
    registers,
  });
  const actions = new Counter({
    name: 'sidecar_fleet_actions_total',
    help: 'Rollout actions sent to the cluster, by kind (canary, promote, pause, resume, rollback) and result (ok, forbidden, conflict, invalid, ...).',
    labelNames: ['action', 'result'],
    registers,
  });
  const guard = new Counter({
    name: 'sidecar_fleet_guard_decisions_total',
    help: "The rollout guard's pause attempts, by outcome: paused, lost-race (another replica or a change came first), failed.",
    labelNames: ['decision'],
    registers,
  });
  const modelBuilds = new Histogram({
    name: 'sidecar_fleet_model_build_seconds',
    help: 'Time to aggregate the cache into the views after a change (a slow build runs in slices behind the requests).',
    buckets: [0.005, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
    registers,
  });
  const modelPods = new Gauge({
    name: 'sidecar_fleet_model_pods',
    help: 'Pods in the last model built (all clusters).',
    registers,
  });
  const requestDuration = new Histogram({
    name: 'sidecar_fleet_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method, route (the app route pattern) and status.',
    labelNames: ['method', 'route', 'status'],
    buckets: LATENCY_BUCKETS,
    registers,
  });

  onSignal((s) => {
    switch (s.type) {
      case 'list':
        lists.inc({ resource: s.resource, result: s.ok ? 'ok' : (s.errorKind ?? 'error').toLowerCase() });
        listPages.inc({ resource: s.resource }, s.pages);
        if (s.ok) lastList.set({ resource: s.resource, namespace: s.namespace ?? '' }, Date.now() / 1000);
        break;
      case 'watch':
        if (s.restart) watchRestarts.inc({ resource: s.resource });
        break;
      case 'expired':
        expired.inc({ resource: s.resource });
        break;
      case 'action':
        actions.inc({ action: s.action, result: s.result });
        break;
      case 'guard':
        guard.inc({ decision: s.decision });
        break;
      case 'model':
        modelBuilds.observe(s.seconds);
        modelPods.set(s.pods);
        break;
    }
  });

  g[KEY] = { registry, requestDuration };
  return g[KEY];
}

type ResourceLabels = { cluster: string; resource: string; namespace: string };

function forEachResource(fn: (labels: ResourceLabels, s: ResourceState) => void): void {
  for (const cache of sharedFleetCaches()) {
    for (const s of cache.state().resources) {
      if (s.disabled) continue;
      fn({ cluster: cache.client.clusterName, resource: s.resource, namespace: s.namespace ?? '' }, s);
    }
  }
}

/** The text exposition format, and its content type. */
export async function renderMetrics(): Promise<{ body: string; contentType: string }> {
  const { registry } = fleetMetrics();
  return { body: await registry.metrics(), contentType: registry.contentType };
}
