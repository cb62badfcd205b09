import type { NextRequest } from 'next/server';
import { getWorkloads } from '@/lib/k8s/fleet';
import { parseWorkloadQuery } from '@/lib/query/workload-query';
import { inCluster } from '../../../_lib/cluster-route';
import { answer } from '../../../_lib/respond';

/** One page of the workloads grid; filters, search, sort and page come from the query string. */
export async function GET(req: NextRequest, ctx: { params: Promise<{ cluster: string }> }) {
  return inCluster(ctx.params, (session) => {
    const query = parseWorkloadQuery(req.nextUrl.searchParams);
    return answer(() => getWorkloads(query, session), 'no workloads');
  });
}
