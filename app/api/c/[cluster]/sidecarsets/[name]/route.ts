import { getSidecarSetDetail } from '@/lib/k8s/fleet';
import { inCluster } from '../../../../_lib/cluster-route';
import { answer } from '../../../../_lib/respond';

export async function GET(_req: Request, ctx: { params: Promise<{ cluster: string; name: string }> }) {
  return inCluster(ctx.params, (session, { name }) =>
    answer(() => getSidecarSetDetail(name, undefined, session), `SidecarSet ${name} not found in cluster ${session.cluster?.name}`),
  );
}
