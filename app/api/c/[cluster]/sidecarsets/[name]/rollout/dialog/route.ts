import { SIDECARSET_NAME } from '@/app/sidecarsets/names';
import { getRolloutDialog } from '@/lib/k8s/rollout-reads';
import { inCluster } from '../../../../../../_lib/cluster-route';
import { answer, errorJson } from '../../../../../../_lib/respond';

/** What the rollout dialogs offer (containers, scopes, revisions) and the view they guard with. */
export async function GET(_req: Request, ctx: { params: Promise<{ cluster: string; name: string }> }) {
  return inCluster(ctx.params, async (session, params) => {
    const name = SIDECARSET_NAME.safeParse(params.name);
    if (!name.success) return errorJson('Invalid', 'Not a SidecarSet name.', 400);
    return answer(
      () => getRolloutDialog(session, name.data),
      `The SidecarSet ${name.data} does not exist (any more) in cluster ${session.cluster?.name}.`,
    );
  });
}
