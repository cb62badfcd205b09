import 'server-only';
import { type FleetSession, getClusterInfo } from '@/lib/k8s/fleet';

export interface Outage {
  server: string;
  code?: number;
  message: string;
}

/**
 * Whether the cluster has never answered this server (discovery failed). Pages call it only
 * when their view came back empty, to tell "nothing there" from "cannot see anything".
 */
export async function clusterOutage(session: FleetSession): Promise<Outage | null> {
  const info = await getClusterInfo(session);
  if (!info.error) return null;
  const out: Outage = { server: info.server, message: info.error.message };
  if (info.error.code !== undefined) out.code = info.error.code;
  return out;
}
