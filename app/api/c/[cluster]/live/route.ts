import { type NextRequest, NextResponse } from 'next/server';
import { getFleetPulse, type FleetSession } from '@/lib/k8s/fleet';
import { isDraining } from '@/lib/k8s/lifecycle';
import { authSettings } from '@/lib/k8s/auth/settings';
import { logger } from '@/lib/log';
import { inCluster } from '../../../_lib/cluster-route';
import { answer, errorJson } from '../../../_lib/respond';
import { viewRead } from '../../../_lib/views';

/**
 * A live view pushed as Server-Sent Events: `GET /api/c/<cluster>/live?view=/sidecarsets/mesh`
 * sends `event: view` with the same JSON as `GET /api/c/<cluster>/sidecarsets/mesh` at once and
 * again whenever the views' revision or the cluster's freshness changes, and `event: pulse` with
 * the pulse. An open tab then costs a socket, not a request every 1.5 s and another per change:
 * 200 tabs of one SidecarSet cost one computation of its view per change (the model memoizes it).
 *
 * The stream ends after STREAM_MAX_MS (the browser reconnects through the sign-in check, so a
 * session that expired or access that was revoked stops the pushes), within CHECK_MS of a
 * shutdown starting (the browser reconnects to another replica; a graceful shutdown does not wait
 * for open streams), and at the first failed read (`event: failed`, after which the page falls
 * back to fetching, which shows the error as usual).
 */
const CHECK_MS = 250;
const HEARTBEAT_MS = 15_000;
const STREAM_MAX_MS = 5 * 60_000;
const log = logger('live');

/**
 * Local mode (everyone sees what the server's identity sees): the streams of one view share its
 * JSON, serialized once per revision rather than once per open tab. In token and proxy modes each
 * person's view is cut to their access, so each stream serializes its own.
 */
const shared = new Map<string, { at: string; json: string }>();
const MAX_SHARED = 500;

async function viewJson(
  session: FleetSession,
  path: string,
  at: string,
  read: (s: FleetSession) => Promise<unknown | null>,
): Promise<string | null> {
  const local = authSettings().mode === 'local';
  const key = `${session.client.key}\u0000${path}`;
  const hit = local ? shared.get(key) : undefined;
  if (hit?.at === at) return hit.json;
  const body = await read(session);
  if (body === null) return null;
  const json = JSON.stringify(body);
  if (local) {
    if (shared.size >= MAX_SHARED) shared.clear();
    shared.set(key, { at, json });
  }
  return json;
}

export async function GET(req: NextRequest, ctx: { params: Promise<{ cluster: string }> }) {
  return inCluster(ctx.params, async (session) => {
    const path = req.nextUrl.searchParams.get('view') ?? '';
    const view = viewRead(path);
    if (!view) return errorJson('Invalid', 'Name a live view, such as ?view=/overview.', 400);
    // The first pulse before the stream opens: a person who may not read this cluster gets the
    // usual error status (401, 403, 503), not a stream.
    const first = await answer(() => getFleetPulse(session), 'no cluster');
    if (!first.ok) return first;
    return new NextResponse(stream(req, session, path, view.read), {
      headers: {
        'Content-Type': 'text/event-stream; charset=utf-8',
        // no-transform: no compression (it would buffer the events); no caching anywhere.
        'Cache-Control': 'no-cache, no-store, no-transform',
        'X-Accel-Buffering': 'no',
      },
    });
  });
}

function stream(
  req: NextRequest,
  session: FleetSession,
  path: string,
  read: (s: FleetSession) => Promise<unknown | null>,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const opened = Date.now();
      let sent: { revision: number; live: boolean; errors: number; listing: string } | undefined;
      let lastWrite = 0;
      const write = (text: string) => {
        if (closed) return;
        try {
          controller.enqueue(encoder.encode(text));
          lastWrite = Date.now();
        } catch {
          // The client went away between two checks.
          closed = true;
        }
      };
      const send = (event: string, data: string) => write(`event: ${event}\ndata: ${data}\n\n`);
      const close = () => {
        if (closed) return;
        closed = true;
        if (timer) clearTimeout(timer);
        try {
          controller.close();
        } catch {
          // already closed by the client
        }
      };
      req.signal.addEventListener('abort', close);
      write('retry: 3000\n\n');
      const tick = async () => {
        if (closed) return close();
        try {
          const pulse = await getFleetPulse(session);
          const f = pulse.freshness;
          const now = { revision: pulse.revision, live: f.live, errors: f.errors.length, listing: JSON.stringify(f.listing ?? null) };
          if (
            !sent ||
            now.revision !== sent.revision ||
            now.live !== sent.live ||
            now.errors !== sent.errors ||
            now.listing !== sent.listing
          ) {
            const json = await viewJson(session, path, `${now.revision}|${now.live}|${now.errors}|${now.listing}`, read);
            if (json === null) {
              send('failed', JSON.stringify({ status: 404 }));
              return close();
            }
            // The view first: the page counts its stream as up on it, then the pulse stops the polling.
            send('view', json);
            send('pulse', JSON.stringify(pulse));
            sent = now;
          } else if (Date.now() - lastWrite > HEARTBEAT_MS) {
            write(': still here\n\n');
          }
          if (Date.now() - opened > STREAM_MAX_MS || isDraining()) return close();
        } catch (e) {
          log.debug({ err: e instanceof Error ? e.message : String(e) }, 'live view failed; the page falls back to fetching');
          send('failed', JSON.stringify({ status: 0 }));
          return close();
        }
        timer = setTimeout(() => void tick(), CHECK_MS);
      };
      void tick();
    },
    cancel() {
      closed = true;
      if (timer) clearTimeout(timer);
    },
  });
}
