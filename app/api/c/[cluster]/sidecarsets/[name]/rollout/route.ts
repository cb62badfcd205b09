import { connection } from 'next/server';
import { SIDECARSET_NAME } from '@/app/sidecarsets/names';
import { getRolloutPanel } from '@/lib/k8s/rollout-reads';
import { answer, errorJson } from '../../../_lib/respond';

/** May this dashboard's identity act on the SidecarSet, and what its rollout guard says. */
export async function GET(_req: Request, ctx: { params: Promise<{ name: string }> }) {
  await connection();
  const name = SIDECARSET_NAME.safeParse((await ctx.params).name);
  if (!name.success) return errorJson('Invalid', 'Not a SidecarSet name.', 400);
  return answer(() => getRolloutPanel(name.data), `SidecarSet ${name.data} not found`);
}
