import 'server-only';
import { type FleetCacheState, sharedFleetCache } from './cache';
import { NoClusterConfiguredError } from './config';
import { defaultClusterSession } from './fleet';
import { isDraining } from './lifecycle';

/**
 * Is this server ready for traffic? Ready when API discovery answered and every resource's watch
 * cache finished its first list and has not been stale (lost contact) longer than the limit. A
 * refusal (401/403) does not make it unready: the pages show it in place with its reason, and no
 * restart or other replica would do better; it is reported as `degraded`.
 */

export interface Readiness {
  ready: boolean;
  /** Why not ready, one line per cause. */
  reasons: string[];
  /** Refused resources: ready, but these parts of the pages show "No access". */
  degraded: string[];
}

export interface ReadinessInput {
  state: FleetCacheState;
  now: number;
  maxStaleMs: number;
  draining?: boolean;
}

export function judgeReadiness({ state, now, maxStaleMs, draining }: ReadinessInput): Readiness {
  const reasons: string[] = [];
  const degraded: string[] = [];
  if (draining) reasons.push('shutting down');
  if (!state.discovery) reasons.push('API discovery has not answered yet');
  else if (state.discovery.error && !state.resources.some((r) => r.resource === 'sidecarsets'))
    reasons.push(`API discovery failed: ${state.discovery.error.message}`);
  for (const s of state.resources) {
    if (s.disabled) continue;
    const what = s.namespace ? `${s.resource} in ${s.namespace}` : s.resource;
    const e = s.lastError;
    if (e && (e.kind === 'Forbidden' || e.kind === 'Unauthorized')) {
      degraded.push(`${what}: ${e.message}`);
      continue;
    }
    if (!s.synced) {
      reasons.push(e ? `${what}: first list failed: ${e.message}` : `${what}: first list not finished`);
      continue;
    }
    if (s.staleSince) {
      const staleMs = now - Date.parse(s.staleSince);
      if (staleMs > maxStaleMs) reasons.push(`${what}: stale for ${Math.round(staleMs / 1000)} s${e ? ` (${e.message})` : ''}`);
    }
  }
  return { ready: reasons.length === 0, reasons, degraded };
}

/** SIDECAR_FLEET_READY_MAX_STALE_SECONDS: how long lost contact is tolerated (default 60 s). */
export function maxStaleMs(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.SIDECAR_FLEET_READY_MAX_STALE_SECONDS);
  return (Number.isFinite(n) && n > 0 ? n : 60) * 1000;
}

/**
 * The readiness of this process's connection to its default cluster (its watch cache starts on first
 * ask). Other configured clusters show their errors on their own pages: one cluster down must not
 * take the dashboard out of its Service.
 */
export function serverReadiness(now = Date.now()): Readiness {
  if (isDraining()) return { ready: false, reasons: ['shutting down'], degraded: [] };
  try {
    const cache = sharedFleetCache(defaultClusterSession().client);
    return judgeReadiness({ state: cache.state(), now, maxStaleMs: maxStaleMs() });
  } catch (e) {
    const message = e instanceof NoClusterConfiguredError || e instanceof Error ? e.message : String(e);
    return { ready: false, reasons: [message], degraded: [] };
  }
}
