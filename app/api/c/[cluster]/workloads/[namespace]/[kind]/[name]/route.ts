import { connection, type NextRequest } from 'next/server';
import { getWorkloadDetail } from '@/lib/k8s/fleet';
import { pageOfWorkloadDetail, parsePage } from '@/lib/query/workload-query';
import { answer } from '../../../../_lib/respond';

export async function GET(req: NextRequest, ctx: { params: Promise<{ namespace: string; kind: string; name: string }> }) {
  await connection();
  const { namespace, kind, name } = await ctx.params;
  const page = parsePage(req.nextUrl.searchParams.get('page'));
  return answer(async () => {
    const view = await getWorkloadDetail({ namespace, kind, name });
    return view && pageOfWorkloadDetail(view, page);
  }, `Workload ${kind} ${namespace}/${name} not found`);
}
