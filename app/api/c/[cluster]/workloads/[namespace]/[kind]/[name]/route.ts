import type { NextRequest } from 'next/server';
import { getWorkloadDetail } from '@/lib/k8s/fleet';
import { pageOfWorkloadDetail, parsePage } from '@/lib/query/workload-query';
import { inCluster } from '../../../../../../_lib/cluster-route';
import { answer } from '../../../../../../_lib/respond';

type Params = { cluster: string; namespace: string; kind: string; name: string };

export async function GET(req: NextRequest, ctx: { params: Promise<Params> }) {
  return inCluster(ctx.params, (session, { namespace, kind, name }) => {
    const page = parsePage(req.nextUrl.searchParams.get('page'));
    return answer(async () => {
      const view = await getWorkloadDetail({ namespace, kind, name }, session);
      return view && pageOfWorkloadDetail(view, page);
    }, `Workload ${kind} ${namespace}/${name} not found in cluster ${session.cluster?.name}`);
  });
}
