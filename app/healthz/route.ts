import { connection } from 'next/server';

/** Liveness: the process answers HTTP. Nothing about the cluster (a cluster outage is no reason to restart). */
export async function GET() {
  await connection();
  return Response.json({ status: 'ok', uptimeSeconds: Math.round(process.uptime()) }, { headers: { 'Cache-Control': 'no-store' } });
}
