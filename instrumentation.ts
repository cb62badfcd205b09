/**
 * Next.js calls register() once when a server process starts: the place for work that belongs to
 * the process rather than to a request. It starts the server's operations (metrics, request ids,
 * graceful shutdown, lib/server/operations.ts) and the rollout guards (lib/k8s/guard.ts), one per
 * configured cluster, beside its shared watch cache. Not during `next build`, and not in the edge runtime.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  if (process.env.NEXT_PHASE === 'phase-production-build') return;
  const { startServerOperations } = await import('./lib/server/operations');
  startServerOperations();
  const { startRolloutGuards } = await import('./lib/k8s/guard');
  try {
    startRolloutGuards();
  } catch (e) {
    // No cluster configured yet: the pages say so; the guard simply does not run in this process.
    const { logger } = await import('./lib/log');
    logger('rollout-guard').warn(`not started: ${e instanceof Error ? e.message : String(e)}`);
  }
}
