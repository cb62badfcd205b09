import 'server-only';
import { stopSharedFleetCaches } from '@/lib/k8s/cache';
import { stopRolloutGuard } from '@/lib/k8s/guard';
import { startDraining, whenWritesSettled, writesInFlight } from '@/lib/k8s/lifecycle';
import { errorFields, logger } from '@/lib/log';
import { closeServers, requestsInFlight, whenRequestsSettled } from './request-hooks';

/**
 * Graceful shutdown on SIGTERM (a rolling update, a drained node) or SIGINT, when the process owns
 * its signals (NEXT_MANUAL_SIG_HANDLE, set by the container image; otherwise Next's own handler
 * closes the server and exits):
 *   1. draining: /readyz answers 503 so the Service stops sending traffic, and the rollout guard
 *      starts no new pause;
 *   2. after SIDECAR_FLEET_SHUTDOWN_DELAY_MS (time for endpoints to drop this pod), the HTTP
 *      server stops accepting connections;
 *   3. requests and cluster writes in flight (an action's patch and its audit Event, a guard
 *      pause) finish, up to SIDECAR_FLEET_SHUTDOWN_TIMEOUT_MS;
 *   4. the watch caches stop (every watch closes), and the process exits.
 */

const log = logger('shutdown');
const INSTALLED = Symbol.for('sidecar-fleet.shutdown');
type Holder = { [INSTALLED]?: boolean };

function ms(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return value !== undefined && value !== '' && Number.isFinite(n) && n >= 0 ? n : fallback;
}

export function installGracefulShutdown(env: NodeJS.ProcessEnv = process.env): boolean {
  if (!env.NEXT_MANUAL_SIG_HANDLE) return false;
  const g = globalThis as Holder;
  if (g[INSTALLED]) return true;
  g[INSTALLED] = true;
  const delayMs = ms(env.SIDECAR_FLEET_SHUTDOWN_DELAY_MS, 0);
  const timeoutMs = ms(env.SIDECAR_FLEET_SHUTDOWN_TIMEOUT_MS, 25_000);
  let started = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (started) return;
    started = true;
    const t0 = Date.now();
    log.info({ signal, requestsInFlight: requestsInFlight(), writesInFlight: writesInFlight(), delayMs }, 'shutting down: draining');
    startDraining();
    // Whatever fails here, the listener still closes and the process still exits below.
    try {
      stopRolloutGuard();
    } catch (e) {
      log.warn(errorFields(e), 'stopping the rollout guard failed');
    }
    if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
    const closed = closeServers();
    log.info({ servers: closed, requestsInFlight: requestsInFlight() }, 'shutting down: listener closed');
    const left = Math.max(0, timeoutMs - (Date.now() - t0));
    const [requestsDone, writesDone] = await Promise.all([whenRequestsSettled(left), whenWritesSettled(left)]);
    const caches = stopSharedFleetCaches();
    log.info(
      { signal, requestsDone, writesDone, cachesStopped: caches, ms: Date.now() - t0 },
      requestsDone && writesDone ? 'shutdown complete: watches closed' : 'shutdown timed out: exiting with work in flight',
    );
    process.exit(requestsDone && writesDone ? 0 : 1);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  return true;
}
