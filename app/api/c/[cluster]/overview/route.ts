import { connection } from 'next/server';
import { getOverview } from '@/lib/k8s/fleet';
import { answer } from '../_lib/respond';

export async function GET() {
  await connection();
  return answer(() => getOverview(), 'no overview');
}
