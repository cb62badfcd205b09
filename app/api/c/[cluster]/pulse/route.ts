import { connection } from 'next/server';
import { getFleetPulse } from '@/lib/k8s/fleet';
import { answer } from '../_lib/respond';

/** Cache revision and freshness: cheap, for the header's live indicator. */
export async function GET() {
  await connection();
  return answer(() => getFleetPulse(), 'no cluster');
}
