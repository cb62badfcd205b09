import { getPodDetail } from '@/lib/k8s/fleet';
import { inCluster } from '../../../../../_lib/cluster-route';
import { answer } from '../../../../../_lib/respond';

export async function GET(_req: Request, ctx: { params: Promise<{ cluster: string; namespace: string; name: string }> }) {
  return inCluster(ctx.params, (session, { namespace, name }) =>
    answer(() => getPodDetail(namespace, name, session), `Pod ${namespace}/${name} not found in cluster ${session.cluster?.name}`),
  );
}
