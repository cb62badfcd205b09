import { getOverview } from '@/lib/k8s/fleet';
import { inCluster } from '../../../_lib/cluster-route';
import { answer } from '../../../_lib/respond';

export async function GET(_req: Request, ctx: { params: Promise<{ cluster: string }> }) {
  return inCluster(ctx.params, (session) => answer(() => getOverview(session), 'no overview'));
}
