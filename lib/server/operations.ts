import 'server-only';
import { sharedFleetCache } from '@/lib/k8s/cache';
import { defaultClusterSession } from '@/lib/k8s/fleet';
import { logger } from '@/lib/log';
import { fleetMetrics } from '@/lib/metrics';
import { installRequestHooks } from './request-hooks';
import { installGracefulShutdown } from './shutdown';

/**
 * What the server process runs besides answering requests, started once at boot from
 * instrumentation.ts: metrics listening to lib/k8s, request ids and latency, graceful shutdown,
 * and the watch cache warmed so /readyz turns ready without waiting for a page view.
 */
export function startServerOperations(): void {
  const log = logger('server');
  fleetMetrics();
  installRequestHooks();
  const ownsSignals = installGracefulShutdown();
  try {
    const session = defaultClusterSession();
    sharedFleetCache(session.client);
    log.info(
      {
        cluster: session.client.clusterName,
        server: session.client.server,
        source: session.client.source,
        actingAs: session.identity.user,
        ownsSignals,
      },
      'watching the cluster',
    );
  } catch (e) {
    log.warn({ ownsSignals }, `no cluster yet: ${e instanceof Error ? e.message : String(e)}`);
  }
}
