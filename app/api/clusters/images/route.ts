import { connection, type NextRequest } from 'next/server';
import { getImageSearch } from '@/lib/k8s/across-clusters';
import { IMAGE_QUERY } from '@/lib/query/image-query';
import { answer, errorJson } from '../../_lib/respond';

/** Which clusters, SidecarSets and workloads run an image or version (`?q=proxyv2:1.22`). */
export async function GET(req: NextRequest) {
  await connection();
  const q = IMAGE_QUERY.safeParse(req.nextUrl.searchParams.get('q') ?? '');
  if (!q.success) return errorJson('Invalid', q.error.issues[0]?.message ?? 'Not a valid search.', 400);
  return answer(() => getImageSearch(q.data), 'no clusters');
}
