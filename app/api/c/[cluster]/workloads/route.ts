import { connection, type NextRequest } from 'next/server';
import { getWorkloads } from '@/lib/k8s/fleet';
import { parseWorkloadQuery } from '@/lib/query/workload-query';
import { answer } from '../_lib/respond';

/** One page of the workloads grid; filters, search, sort and page come from the query string. */
export async function GET(req: NextRequest) {
  await connection();
  const query = parseWorkloadQuery(req.nextUrl.searchParams);
  return answer(() => getWorkloads(query), 'no workloads');
}
