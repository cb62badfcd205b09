import { getFleetPulse } from '@/lib/k8s/fleet';
import { inCluster } from '../../../_lib/cluster-route';
import { answer } from '../../../_lib/respond';

/** Cache revision and freshness: cheap, for the header's live indicator. */
export async function GET(_req: Request, ctx: { params: Promise<{ cluster: string }> }) {
  return inCluster(ctx.params, (session) => answer(() => getFleetPulse(session), 'no cluster'));
}
