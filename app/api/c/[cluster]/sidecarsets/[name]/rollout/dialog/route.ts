import { connection } from 'next/server';
import { SIDECARSET_NAME } from '@/app/sidecarsets/names';
import { getRolloutDialog } from '@/lib/k8s/rollout-reads';
import { answer, errorJson } from '../../../../_lib/respond';

/** What the rollout dialogs offer (containers, scopes, revisions) and the view they guard with. */
export async function GET(_req: Request, ctx: { params: Promise<{ name: string }> }) {
  await connection();
  const name = SIDECARSET_NAME.safeParse((await ctx.params).name);
  if (!name.success) return errorJson('Invalid', 'Not a SidecarSet name.', 400);
  return answer(() => getRolloutDialog(name.data), `The SidecarSet ${name.data} does not exist (any more).`);
}
