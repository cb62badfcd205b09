import { connection } from 'next/server';
import { getSidecarSetDetail } from '@/lib/k8s/fleet';
import { answer } from '../../_lib/respond';

export async function GET(_req: Request, ctx: { params: Promise<{ name: string }> }) {
  await connection();
  const { name } = await ctx.params;
  return answer(() => getSidecarSetDetail(name), `SidecarSet ${name} not found`);
}
