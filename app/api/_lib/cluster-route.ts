import 'server-only';
import { connection, type NextResponse } from 'next/server';
import { parseCluster } from '@/app/_lib/cluster-id';
import type { FleetSession } from '@/lib/k8s/fleet';
import { errorJson } from './respond';

/**
 * The start of every per-cluster route (/api/c/<cluster>/…): a request API first (so nothing is
 * prerendered), then the cluster checked against the configuration: an unknown one is a 404 that
 * names the configured clusters; one configured wrong is a 503 that says what is wrong.
 */
export async function inCluster<P extends { cluster: string }>(
  params: Promise<P>,
  answer: (session: FleetSession, params: P) => Promise<NextResponse>,
): Promise<NextResponse> {
  await connection();
  const p = await params;
  const c = parseCluster(p.cluster);
  if (!c.ok) return errorJson(c.kind, c.message, c.status);
  return answer(c.session, p);
}
