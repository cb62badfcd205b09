import { getClusterInfo } from '@/lib/k8s/fleet';
import { inCluster } from '../../../_lib/cluster-route';
import { answer } from '../../../_lib/respond';

/** Which cluster this is, and as whom. */
export async function GET(_req: Request, ctx: { params: Promise<{ cluster: string }> }) {
  return inCluster(ctx.params, (session) => answer(() => getClusterInfo(session), 'no cluster'));
}
