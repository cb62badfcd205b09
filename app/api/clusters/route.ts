import { connection } from 'next/server';
import { listClusters } from '@/lib/k8s/clusters';
import { json } from '../_lib/respond';

/** The configured clusters: ids, display names, contexts and servers (no connection is made). */
export async function GET() {
  await connection();
  return json(listClusters());
}
