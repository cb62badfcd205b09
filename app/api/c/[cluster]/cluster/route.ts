import { connection } from 'next/server';
import { getClusterInfo } from '@/lib/k8s/fleet';
import { answer } from '../_lib/respond';

/** Which cluster this dashboard shows, and as whom. */
export async function GET() {
  await connection();
  return answer(() => getClusterInfo(), 'no cluster');
}
