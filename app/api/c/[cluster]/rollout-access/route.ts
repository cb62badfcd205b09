import { connection } from 'next/server';
import { getFleetRolloutAccess } from '@/lib/k8s/rollout-reads';
import { answer } from '../_lib/respond';

/** May this dashboard's identity patch SidecarSets at all (the overview's row buttons and pause-all)? */
export async function GET() {
  await connection();
  return answer(() => getFleetRolloutAccess(), 'no cluster');
}
