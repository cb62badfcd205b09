import { type NextRequest, NextResponse } from 'next/server';
import { getFleetPulse, type FleetSession, onModelBuilt } from '@/lib/k8s/fleet';
import { answersInFlight, answerStarted, isDraining, whenAnswered } from '@/lib/k8s/lifecycle';
import { authSettings } from '@/lib/k8s/auth/settings';
import { logger } from '@/lib/log';
import { inCluster } from '../../../_lib/cluster-route';
import { answer, errorJson } from '../../../_lib/respond';
import { type LiveView, liveEvents } from '../../../_lib/live-events';
import { viewRead } from '../../../_lib/views';

/**
 * A live view pushed as Server-Sent Events: `GET /api/c/<cluster>/live?view=/sidecarsets/mesh`
 * sends `event: view` with the same JSON as `GET /api/c/<cluster>/sidecarsets/mesh` at once and
 * again whenever the views' revision or the cluster's freshness changes, and `event: pulse` with
 * the pulse. An open tab then costs a socket, not a request every 1.5 s and another per change:
 * 200 tabs of one SidecarSet cost one computation of its view per change (the model memoizes it).
 *
 * The stream (app/api/_lib/live-events.ts) ends after 5 minutes (the browser reconnects through
 * the sign-in check, so a session that expired or access that was revoked stops the pushes),
 * within 250 ms of a shutdown starting (the browser reconnects to another replica; a graceful
 * shutdown does not wait for open streams), and at the first failed read.
 */
const log = logger('live');

/**
 * Local mode (everyone sees what the server's identity sees): the streams of one view share it,
 * serialized once per revision rather than once per open tab. In token and proxy modes each
 * person's view is cut to their access, so each stream serializes its own.
 */
const shared = new Map<string, { at: string; view: LiveView; shown: Record<string, unknown> }>();
const MAX_SHARED = 500;

/** The same fields with the same values (a model reuses what did not change: a SidecarSet page's parts). */
function sameFields(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => a[k] === b[k]);
}

/**
 * How long an open stream's check waits for the pages and reads under way. A change then reaches an
 * open page up to this much later; a page load does not wait behind the checks of 200 streams,
 * which each recompute their view after a model build (150,000 pods: 50 SidecarSet pages).
 */
const GIVE_WAY_MS = 250;

const giveWay = () => (answersInFlight() > 0 ? whenAnswered(GIVE_WAY_MS) : undefined);

async function liveView(
  session: FleetSession,
  path: string,
  at: string,
  read: (s: FleetSession) => Promise<unknown | null>,
): Promise<LiveView | null> {
  const local = authSettings().mode === 'local';
  const key = `${session.client.key}\u0000${path}`;
  const hit = local ? shared.get(key) : undefined;
  if (hit?.at === at) return hit.view;
  const body = (await read(session)) as Record<string, unknown> | null;
  if (body === null) return null;
  const { freshness: _freshness, ...shown } = body;
  // Serialized only when some part is new; the same string when nothing shown changed, so each
  // stream compares it at a glance.
  let content = hit && sameFields(hit.shown, shown) ? hit.view.content : JSON.stringify(shown);
  if (hit?.view.content === content) content = hit.view.content;
  let json: string | undefined;
  const view: LiveView = { content, json: () => (json ??= JSON.stringify(body)) };
  if (local) {
    if (shared.size >= MAX_SHARED) shared.clear();
    shared.set(key, { at, view, shown });
  }
  return view;
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
    // Until its first view is sent, a stream is an answer under way (lib/server/request-hooks.ts
    // counts the rest of it as none): a model build gives way to 200 tabs opening at once.
    const opening = answerStarted();
    const events = liveEvents({
      opened: opening,
      giveWay,
      pulse: () => getFleetPulse(session),
      view: (at) => liveView(session, path, at, view.read),
      signal: req.signal,
      wake: (fn) => onModelBuilt(fn, session),
      ending: isDraining,
      onError: (e) => log.debug({ err: e instanceof Error ? e.message : String(e) }, 'live view failed; the page falls back to fetching'),
    });
    return new NextResponse(events, {
      headers: {
        'Content-Type': 'text/event-stream; charset=utf-8',
        // no-transform: no compression (it would buffer the events); no caching anywhere.
        'Cache-Control': 'no-cache, no-store, no-transform',
        'X-Accel-Buffering': 'no',
      },
    });
  });
}
