import { connection } from 'next/server';
import { getAcrossClusters } from '@/lib/k8s/across-clusters';
import { answer } from '../../_lib/respond';

/** Every SidecarSet in every configured cluster, side by side, with the image drift between clusters. */
export async function GET() {
  await connection();
  return answer(() => getAcrossClusters(), 'no clusters');
}
