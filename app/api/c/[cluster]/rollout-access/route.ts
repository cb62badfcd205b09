import { getFleetRolloutAccess } from '@/lib/k8s/rollout-reads';
import { inCluster } from '../../../_lib/cluster-route';
import { answer } from '../../../_lib/respond';

/** May this dashboard's identity patch SidecarSets in this cluster at all (the overview's row buttons and pause-all)? */
export async function GET(_req: Request, ctx: { params: Promise<{ cluster: string }> }) {
  return inCluster(ctx.params, (session) => answer(() => getFleetRolloutAccess(session), 'no cluster'));
}
