import 'server-only';
import { NextResponse } from 'next/server';
import { isK8sError, type K8sErrorKind } from '@/lib/k8s/errors';
import { errorFields, logger } from '@/lib/log';

const statusFor: Record<K8sErrorKind, number> = {
  Unauthorized: 401,
  Forbidden: 403,
  NotFound: 404,
  Conflict: 409,
  Gone: 503,
  Invalid: 400,
  Unavailable: 503,
  Unknown: 500,
};

const noStore = { 'Cache-Control': 'no-store' };

/** JSON for the live views: never cached by the browser or a proxy. */
export function json(body: unknown, status = 200): NextResponse {
  return NextResponse.json(body, { status, headers: noStore });
}

export function errorJson(kind: K8sErrorKind | 'NoCluster' | 'UnknownCluster', message: string, status: number): NextResponse {
  return json({ error: { kind, message } }, status);
}

/**
 * Runs a read and answers JSON: the view, a 404 when it names nothing, or the error as a value
 * (`{ error: { kind, message } }`) with a matching status. Never leaks a stack trace.
 */
export async function answer<T>(read: () => Promise<T | null>, notFound: string): Promise<NextResponse> {
  try {
    const view = await read();
    if (view === null) return errorJson('NotFound', notFound, 404);
    return json(view);
  } catch (e) {
    if (isK8sError(e)) return errorJson(e.kind, e.message, statusFor[e.kind]);
    if (e instanceof Error && e.name === 'NoClusterConfiguredError') {
      return errorJson('NoCluster', e.message, 503);
    }
    logger('api').error(errorFields(e), 'read failed');
    return errorJson('Unknown', 'The dashboard server failed to answer; see its log.', 500);
  }
}
