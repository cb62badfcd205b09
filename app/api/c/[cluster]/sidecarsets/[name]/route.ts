import type { NextRequest } from 'next/server';
import { inCluster } from '../../../../_lib/cluster-route';
import { answerView } from '../../../../_lib/views';

/** One view of the cluster as JSON (app/api/_lib/views.ts says which read serves it). */
export async function GET(req: NextRequest, ctx: { params: Promise<{ cluster: string; name: string }> }) {
  return inCluster(ctx.params, (session) => answerView(req, session));
}
