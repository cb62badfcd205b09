import 'server-only';
import { hostname } from 'node:os';
import { CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { SidecarSet } from '@/lib/fleet/k8s-types';
import { injectedList } from '@/lib/fleet/kruise-pod';
import { ACTION_EVENT_REASON } from '@/lib/fleet/rollout-actions';
import { buildGuardPause, evaluateGuard, GUARD_ANNOTATION, type GuardVerdict, parseGuardSettings } from '@/lib/fleet/rollout-guard';
import { type FleetCache, sharedFleetCache } from './cache';
import { logger } from '@/lib/log';
import { toK8sError } from './errors';
import { type FleetSession, serverSession } from './fleet';
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
  session?: FleetSession;
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

export function createRolloutGuard(opts: RolloutGuardOptions = {}): RolloutGuard {
  const session = opts.session ?? serverSession();
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
      const api = session.client.kc.makeApiClient(CustomObjectsApi);
      const raw = await api.patchClusterCustomObject(
        { group: 'apps.kruise.io', version, plural: 'sidecarsets', name, body: buildGuardPause(verdict, at) },
        setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
      );
      const message = `Rollout guard paused ${name}: ${verdict.message}`;
      log(message);
      const ev = await writeRolloutEvent(session, {
        sidecarSet: raw?.metadata ?? ss.metadata,
        apiVersion: `apps.kruise.io/${version}`,
        reason: ACTION_EVENT_REASON.guard,
        type: 'Warning',
        message: `Rollout guard (${hostname()} as ${session.identity.user}) paused the rollout: ${verdict.message}`,
      });
      if (!ev.ok) log(`paused ${name} but could not write its Event: ${ev.error.message}`);
      setAction(name, { at, outcome: 'paused', message });
    } catch (e) {
      const err = toK8sError(e);
      if (err.code === 409 || err.code === 422) {
        // Another replica paused it first, or it changed since our cache saw it: nothing to do.
        attempt.lost = true;
        setAction(name, { at, outcome: 'lost-race', message: 'The SidecarSet changed before the pause: re-evaluating.' });
      } else {
        log(`could not pause ${name}: ${err.message}`);
        setAction(name, { at, outcome: 'failed', message: `Could not pause: ${err.message}` });
      }
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

const GUARD_KEY = Symbol.for('sidecar-fleet.rollout-guard');
type GuardHolder = { [GUARD_KEY]?: RolloutGuard };

/**
 * Starts the guard for the server's own session, once per process (instrumentation.ts calls it
 * at boot; calling it again returns the running one). Set SIDECAR_FLEET_GUARD=off to disable it.
 */
export function startRolloutGuard(): RolloutGuard | undefined {
  if (process.env.SIDECAR_FLEET_GUARD === 'off') return undefined;
  const g = globalThis as GuardHolder;
  if (!g[GUARD_KEY]) {
    const session = serverSession();
    g[GUARD_KEY] = createRolloutGuard({ session });
    guardLog.info(`watching SidecarSets annotated ${GUARD_ANNOTATION}, acting as ${session.identity.user}`);
  }
  return g[GUARD_KEY];
}

/** Stops the process's guard (graceful shutdown); pauses already sent finish on their own. */
export function stopRolloutGuard(): void {
  const g = globalThis as GuardHolder;
  g[GUARD_KEY]?.stop();
  g[GUARD_KEY] = undefined;
}

/** The running guard's view of a SidecarSet, for the page ("watching 3 updated pods: none failing"). */
export function rolloutGuardStatus(name: string): GuardStatus | undefined {
  return (globalThis as GuardHolder)[GUARD_KEY]?.status(name);
}
