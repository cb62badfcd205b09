import { connection } from 'next/server';
import { getPodDetail } from '@/lib/k8s/fleet';
import { answer } from '../../../_lib/respond';

export async function GET(_req: Request, ctx: { params: Promise<{ namespace: string; name: string }> }) {
  await connection();
  const { namespace, name } = await ctx.params;
  return answer(() => getPodDetail(namespace, name), `Pod ${namespace}/${name} not found`);
}
