import 'server-only';
import { hostname } from 'node:os';
import type { SidecarSet } from '@/lib/fleet/k8s-types';
import { injectedList } from '@/lib/fleet/kruise-pod';
import { ACTION_EVENT_REASON } from '@/lib/fleet/rollout-actions';
import { buildGuardPause, evaluateGuard, GUARD_ANNOTATION, type GuardVerdict, parseGuardSettings } from '@/lib/fleet/rollout-guard';
import {
  type FleetCache,
  holdSharedFleetCache,
  onSharedFleetCache,
  openSharedFleetCache,
  sharedFleetCache,
  sharedFleetCaches,
} from './cache';
import { clusterClient, clusterRegistry } from './clusters';
import type { FleetClient } from './config';
import { logger } from '@/lib/log';
import { type FleetSession, sessionFor } from './fleet';
import { requestJson } from './http';
import { SIDECARSET_GROUP, SIDECARSET_PLURAL } from './sidecarset-api';
import { isDraining, trackWrite } from './lifecycle';
import { writeRolloutEvent } from './rollout-writes';
import { emit } from './telemetry';

/**
 * The rollout guard loop. It runs inside the Next server process, once per process, from the
 * shared watch cache (no extra list or watch): whenever SidecarSets or pods change, and every few
 * seconds for the "not ready for N seconds" clock, it evaluates each SidecarSet that opted in
 * (lib/fleet/rollout-guard.ts) and pauses the ones whose updated pods fail beyond the threshold.
 *
 * Several replicas of the dashboard may run this at once; only one may act. There is no leader
 * election: the pause itself is the lock. It is a JSON Patch whose `test` ops require the
 * resourceVersion and the hash the replica evaluated (and `paused: false` when the field is
 * present). The API server applies writes to one object one at a time, so when two replicas race
 * on the same evaluation, the first patch commits and bumps the resourceVersion, and the second
 * fails its `test` with a 422 and changes nothing. Only a replica whose patch succeeded writes the
 * Event, so the audit trail says it once. A replica that lost, or whose cache was a moment behind,
 * simply evaluates again on the next change.
 */

const guardLog = logger('rollout-guard');
const EVALUATE_DEBOUNCE_MS = 500;
const TICK_MS = 5_000;
const RETRY_AFTER_MS = 15_000;

export interface GuardStatus {
  name: string;
  state: GuardVerdict['state'];
  message: string;
  /** When this replica last paused it, and the outcome of its last attempt. */
  lastAction?: { at: string; outcome: 'paused' | 'lost-race' | 'failed'; message: string };
}

export interface RolloutGuardOptions {
  session: FleetSession;
  /** Tests pass a private cache; the app uses the shared one. */
  cache?: FleetCache;
  tickMs?: number;
  /** false: evaluate only when evaluate() is called (tests that need two replicas in lockstep). */
  auto?: boolean;
  now?: () => number;
  log?: (msg: string) => void;
}

export interface RolloutGuard {
  /** Evaluates now and acts; resolves when any pauses it started are done. */
  evaluate(): Promise<void>;
  status(name: string): GuardStatus | undefined;
  stop(): void;
}

export function createRolloutGuard(opts: RolloutGuardOptions): RolloutGuard {
  const session = opts.session;
  const cache = opts.cache ?? sharedFleetCache(session.client);
  const now = opts.now ?? Date.now;
  const log = opts.log ?? ((m: string) => guardLog.info(m));
  const statuses = new Map<string, GuardStatus>();
  /** SidecarSets with a pause in flight from this replica (never two at once for one object). */
  const acting = new Set<string>();
  /**
   * The last attempt per SidecarSet. A lost race is not retried against the same resourceVersion
   * (the cache will bring the new one); a failure (503, 403, timeout) is retried after a while.
   */
  const attempted = new Map<string, { rv: string; at: number; lost: boolean }>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  async function pause(ss: SidecarSet, verdict: GuardVerdict): Promise<void> {
    const name = ss.metadata.name;
    const at = new Date(now()).toISOString();
    const version = cache.discovery?.kruiseVersion ?? ss.apiVersion?.split('/')[1] ?? 'v1beta1';
    acting.add(name);
    const attempt = { rv: ss.metadata.resourceVersion ?? '', at: now(), lost: false };
    attempted.set(name, attempt);
    try {
      const patched = await requestJson<SidecarSet>(session.client, {
        method: 'PATCH',
        path: `/apis/${SIDECARSET_GROUP}/${version}/${SIDECARSET_PLURAL}/${encodeURIComponent(name)}`,
        body: buildGuardPause(verdict, at),
        contentType: 'application/json-patch+json',
      });
      if (!patched.ok) {
        const err = patched.error;
        if (err.code === 409 || err.code === 422) {
          // Another replica paused it first, or it changed since our cache saw it: nothing to do.
          attempt.lost = true;
          setAction(name, { at, outcome: 'lost-race', message: 'The SidecarSet changed before the pause: re-evaluating.' });
        } else {
          log(`could not pause ${name}: ${err.message}`);
          setAction(name, { at, outcome: 'failed', message: `Could not pause: ${err.message}` });
        }
        return;
      }
      const message = `Rollout guard paused ${name}: ${verdict.message}`;
      log(message);
      // Paused from here on, whatever becomes of the audit Event below.
      setAction(name, { at, outcome: 'paused', message });
      const ev = await writeRolloutEvent(session, {
        sidecarSet: patched.value?.metadata ?? ss.metadata,
        apiVersion: `${SIDECARSET_GROUP}/${version}`,
        reason: ACTION_EVENT_REASON.guard,
        type: 'Warning',
        message: `Rollout guard (${hostname()} as ${session.identity.user}) paused the rollout: ${verdict.message}`,
      });
      if (!ev.ok) log(`paused ${name} but could not write its Event: ${ev.error.message}`);
    } finally {
      acting.delete(name);
    }
  }

  function setAction(name: string, action: NonNullable<GuardStatus['lastAction']>) {
    emit({ type: 'guard', sidecarSet: name, decision: action.outcome });
    const s = statuses.get(name);
    if (s) s.lastAction = action;
  }

  async function evaluateOnce(): Promise<void> {
    const sidecarSets = cache.sidecarsets?.values() ?? [];
    const guarded = sidecarSets.filter((ss) => parseGuardSettings(ss.metadata.annotations).configured);
    if (guarded.length === 0) {
      statuses.clear();
      return;
    }
    // Never judge a rollout on part of its pods: a first list still running is evaluated once complete.
    if (cache.firstListing()) return;
    const namespaceLabels: Record<string, Record<string, string>> = {};
    for (const ns of cache.namespaces.values()) namespaceLabels[ns.metadata.name] = ns.metadata.labels ?? {};
    const allPods = cache.pods.values();
    const names = new Set(guarded.map((ss) => ss.metadata.name));
    for (const key of [...statuses.keys()]) if (!names.has(key)) statuses.delete(key);
    const pauses: Promise<void>[] = [];
    for (const ss of guarded) {
      const name = ss.metadata.name;
      const pods = allPods.filter((p) => injectedList(p).includes(name));
      const verdict = evaluateGuard({ sidecarSet: ss, pods, namespaceLabels, now: now() });
      const prev = statuses.get(name);
      statuses.set(name, { name, state: verdict.state, message: verdict.message, lastAction: prev?.lastAction });
      if (verdict.state !== 'trip' || acting.has(name)) continue;
      const last = attempted.get(name);
      if (last && last.rv === (ss.metadata.resourceVersion ?? '') && (last.lost || now() - last.at < RETRY_AFTER_MS)) continue;
      // A process that is shutting down starts no write; another replica (or its successor) acts.
      if (isDraining()) continue;
      pauses.push(trackWrite(() => pause(ss, verdict)));
    }
    await Promise.all(pauses);
  }

  async function evaluate(): Promise<void> {
    if (stopped) return;
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await evaluateOnce();
        } while (again && !stopped);
      } catch (e) {
        log(`evaluation failed: ${e instanceof Error ? e.message : String(e)}`);
      } finally {
        running = undefined;
      }
    })();
    return running;
  }

  let debounce: NodeJS.Timeout | undefined;
  const auto = opts.auto !== false;
  const unsubscribe = cache.subscribe(() => {
    if (!auto) return;
    if (debounce || stopped) return;
    debounce = setTimeout(() => {
      debounce = undefined;
      void evaluate();
    }, EVALUATE_DEBOUNCE_MS);
    debounce.unref?.();
  });
  if (auto) {
    timer = setInterval(() => void evaluate(), opts.tickMs ?? TICK_MS);
    timer.unref?.();
  }
  cache.start();

  return {
    evaluate,
    status: (name) => statuses.get(name),
    stop() {
      stopped = true;
      unsubscribe();
      if (timer) clearInterval(timer);
      if (debounce) clearTimeout(debounce);
      timer = undefined;
    },
  };
}

/**
 * One guard per cluster, beside its shared cache and acting as the server's identity there. A
 * cluster's guard starts when its cache opens and keeps the cache open while some SidecarSet opts
 * in (otherwise an idle cache is dropped, and the guard with it). A cluster without an open cache
 * is asked every PROBE_MS, with one small list of its SidecarSets, whether any opted in; if so its
 * cache is opened and its guard starts.
 */
const PROBE_MS = 60_000;

interface ClusterGuard {
  guard: RolloutGuard;
  hold?: { release: () => void };
  unsubscribe: () => void;
}

interface Guards {
  byClient: Map<string, ClusterGuard>;
  probe?: NodeJS.Timeout;
  stopHooks: () => void;
}

const GUARD_KEY = Symbol.for('sidecar-fleet.rollout-guards');
type GuardHolder = { [GUARD_KEY]?: Guards };

function optedIn(cache: FleetCache): boolean {
  return (cache.sidecarsets?.values() ?? []).some((ss) => parseGuardSettings(ss.metadata.annotations).configured);
}

function attach(guards: Guards, cache: FleetCache): void {
  if (guards.byClient.has(cache.client.key)) return;
  const guard = createRolloutGuard({ session: sessionFor(cache.client), cache });
  const entry: ClusterGuard = { guard, unsubscribe: () => {} };
  const keepOpen = () => {
    const opted = optedIn(cache);
    if (opted && !entry.hold) {
      entry.hold = holdSharedFleetCache(cache.client);
      guardLog.info(`${cache.client.server}: watching SidecarSets annotated ${GUARD_ANNOTATION}, acting as ${cache.client.identity.user}`);
    } else if (!opted && entry.hold) {
      entry.hold.release();
      entry.hold = undefined;
    }
  };
  entry.unsubscribe = cache.subscribe(keepOpen);
  guards.byClient.set(cache.client.key, entry);
}

function detach(guards: Guards, cache: FleetCache): void {
  const entry = guards.byClient.get(cache.client.key);
  if (!entry) return;
  entry.unsubscribe();
  entry.hold?.release();
  entry.guard.stop();
  guards.byClient.delete(cache.client.key);
}

/** Does this cluster have a SidecarSet that opted into the guard? One list of SidecarSets, no cache. */
async function probe(client: FleetClient): Promise<boolean> {
  for (const version of ['v1beta1', 'v1alpha1']) {
    const r = await requestJson<{ items?: SidecarSet[] }>(client, {
      path: `/apis/apps.kruise.io/${version}/sidecarsets`,
      timeoutMs: 10_000,
    });
    if (r.ok) return (r.value.items ?? []).some((ss) => parseGuardSettings(ss.metadata?.annotations).configured);
    if (r.error.kind !== 'NotFound') return false;
  }
  return false;
}

async function probeClusters(): Promise<void> {
  for (const c of clusterRegistry().clusters) {
    let client: FleetClient;
    try {
      client = clusterClient(c.id);
    } catch {
      continue; // a cluster that cannot be configured has its error on its own pages
    }
    if (openSharedFleetCache(client)) continue;
    if (await probe(client)) sharedFleetCache(client);
  }
}

/**
 * Starts the rollout guards, once per process (instrumentation.ts calls it at boot; calling it
 * again does nothing). Set SIDECAR_FLEET_GUARD=off to disable them.
 */
export function startRolloutGuards(): void {
  if (process.env.SIDECAR_FLEET_GUARD === 'off') return;
  const g = globalThis as GuardHolder;
  if (g[GUARD_KEY]) return;
  const guards: Guards = { byClient: new Map(), stopHooks: () => {} };
  g[GUARD_KEY] = guards;
  guards.stopHooks = onSharedFleetCache({ created: (cache) => attach(guards, cache), dropped: (cache) => detach(guards, cache) });
  // Caches opened before the guards started (the boot warm-up of the default cluster) get theirs now.
  for (const cache of sharedFleetCaches()) attach(guards, cache);
  const run = () => void probeClusters().catch((e) => guardLog.warn(`probe failed: ${e instanceof Error ? e.message : String(e)}`));
  run();
  guards.probe = setInterval(run, PROBE_MS);
  guards.probe.unref?.();
  guardLog.info(`guarding SidecarSets annotated ${GUARD_ANNOTATION} in ${clusterRegistry().clusters.length} cluster(s)`);
}

/** Stops the process's guards (graceful shutdown); pauses already sent finish on their own. */
export function stopRolloutGuard(): void {
  const g = globalThis as GuardHolder;
  const guards = g[GUARD_KEY];
  if (!guards) return;
  if (guards.probe) clearInterval(guards.probe);
  guards.stopHooks();
  for (const entry of guards.byClient.values()) {
    entry.unsubscribe();
    entry.hold?.release();
    entry.guard.stop();
  }
  guards.byClient.clear();
  g[GUARD_KEY] = undefined;
}

/** The running guard's view of a SidecarSet in a cluster, for the page ("watching 3 updated pods: none failing"). */
export function rolloutGuardStatus(client: FleetClient, name: string): GuardStatus | undefined {
  return (globalThis as GuardHolder)[GUARD_KEY]?.byClient.get(client.key)?.guard.status(name);
}
