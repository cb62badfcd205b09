import { SIDECARSET_NAME } from '@/app/sidecarsets/names';
import { getRolloutPanel } from '@/lib/k8s/rollout-reads';
import { inCluster } from '../../../../../_lib/cluster-route';
import { answer, errorJson } from '../../../../../_lib/respond';

/** May this dashboard's identity act on the SidecarSet, and what its rollout guard says. */
export async function GET(_req: Request, ctx: { params: Promise<{ cluster: string; name: string }> }) {
  return inCluster(ctx.params, async (session, params) => {
    const name = SIDECARSET_NAME.safeParse(params.name);
    if (!name.success) return errorJson('Invalid', 'Not a SidecarSet name.', 400);
    return answer(() => getRolloutPanel(session, name.data), `SidecarSet ${name.data} not found in cluster ${session.cluster?.name}`);
  });
}
