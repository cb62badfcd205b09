import { connection } from 'next/server';
import { serverReadiness } from '@/lib/k8s/readiness';

/** Readiness: the watch caches are synced and not stale beyond the limit; 503 with the reasons otherwise. */
export async function GET() {
  await connection();
  const r = serverReadiness();
  return Response.json(
    { status: r.ready ? 'ready' : 'not ready', reasons: r.reasons, degraded: r.degraded },
    { status: r.ready ? 200 : 503, headers: { 'Cache-Control': 'no-store' } },
  );
}
