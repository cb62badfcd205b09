import { connection } from 'next/server';
import { renderMetrics } from '@/lib/metrics';

/** Prometheus metrics of this process (lib/metrics.ts). */
export async function GET() {
  await connection();
  const { body, contentType } = await renderMetrics();
  return new Response(body, { headers: { 'Content-Type': contentType, 'Cache-Control': 'no-store' } });
}
