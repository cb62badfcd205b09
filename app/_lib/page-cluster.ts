import 'server-only';
import { notFound } from 'next/navigation';
import { connection } from 'next/server';
import type { ClusterRef } from '@/lib/fleet/views';
import type { FleetSession } from '@/lib/k8s/fleet';
import { parseCluster } from './cluster-id';

/**
 * The session a cluster page reads with (/c/<cluster>/…). A request API first, so the page is never
 * prerendered with build-time data; an unknown cluster is a 404 whose page names the configured ones.
 */
export type ClusterSession = FleetSession & { cluster: ClusterRef };

export async function pageSession(params: Promise<{ cluster: string }>): Promise<ClusterSession> {
  await connection();
  const c = parseCluster((await params).cluster);
  // A cluster configured wrong never gets here: its layout shows the error instead of the page.
  if (!c.ok || !c.session.cluster) notFound();
  return c.session as ClusterSession;
}
