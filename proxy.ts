import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type NextRequest, NextResponse } from 'next/server';
import { checkActionId, checkActionParts } from '@/lib/http/action-envelope';
import { logRefusal } from '@/lib/http/refusal-log';
import { identityFrom } from '@/lib/k8s/auth/request';
import { cookieOptions, readSession, SESSION_COOKIE, sealSession } from '@/lib/k8s/auth/session';
import { authSettings } from '@/lib/k8s/auth/settings';
import { defaultClusterClient } from '@/lib/k8s/clusters';

/**
 * Runs before every request the server answers (but static assets):
 * 1. only configured hosts are served (a foreign Host is DNS rebinding), and a state-changing
 *    request must come from a configured origin (a replayed server action without one is refused);
 * 2. in token and proxy modes, nobody gets further without an identity: pages send to the
 *    sign-in page, API routes and server actions answer 401;
 * 3. pages get a Content-Security-Policy with a fresh nonce (no inline script without it).
 */

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const PUBLIC_PATHS = new Set(['/sign-in', '/icon.svg', '/healthz', '/readyz']);

function plain(status: number, text: string): NextResponse {
  return new NextResponse(text, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' } });
}

function unauthorized(req: NextRequest, message: string, signInPage: boolean): NextResponse {
  const isApi = req.nextUrl.pathname.startsWith('/api/') || req.headers.has('next-action');
  if (isApi) {
    return NextResponse.json({ error: { kind: 'Unauthorized', message } }, { status: 401, headers: { 'Cache-Control': 'no-store' } });
  }
  // Behind a proxy there is no sign-in page here: the proxy is where people sign in.
  if (!signInPage) return plain(401, `${message} Sign in through the proxy in front of this dashboard.`);
  const to = req.nextUrl.clone();
  to.pathname = '/sign-in';
  to.search = '';
  const back = req.nextUrl.pathname + req.nextUrl.search;
  if (back !== '/') to.searchParams.set('next', back);
  if (message.includes('expired')) to.searchParams.set('expired', '1');
  return NextResponse.redirect(to, 303);
}

let knownActions: ReadonlySet<string> | undefined | null = null;

/** The server action ids of this build (the manifest next build writes); undefined when unreadable. */
function actionIds(): ReadonlySet<string> | undefined {
  if (knownActions !== null) return knownActions;
  try {
    const file = path.join(process.cwd(), '.next', 'server', 'server-reference-manifest.json');
    const m = JSON.parse(readFileSync(file, 'utf8')) as { node?: Record<string, unknown> };
    knownActions = new Set(Object.keys(m.node ?? {}));
  } catch {
    knownActions = undefined;
  }
  return knownActions;
}

/** A server action request whose envelope is not what this dashboard's pages send: 400, one log line. */
async function malformedAction(req: NextRequest, id: string): Promise<NextResponse | undefined> {
  let check = checkActionId(id, actionIds());
  if (check.ok) {
    if (!(req.headers.get('content-type') ?? '').startsWith('multipart/form-data')) check = { ok: false, why: 'not a form submission' };
    else {
      try {
        const form = await req.clone().formData();
        check = checkActionParts([...form.entries()].map(([k, v]) => [k, typeof v === 'string' ? v : 'file']));
      } catch {
        check = { ok: false, why: 'unreadable form body' };
      }
    }
  }
  if (check.ok) return undefined;
  logRefusal('malformed server action request', { why: check.why, path: req.nextUrl.pathname.slice(0, 200) });
  return NextResponse.json({ error: { kind: 'Invalid', message: 'Refused: a malformed action request.' } }, { status: 400 });
}

function csp(nonce: string): string {
  const dev = process.env.NODE_ENV === 'development';
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    // Inline style attributes (widths of progress bars) are data, not code.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function isSecure(req: NextRequest): boolean {
  return (
    req.nextUrl.protocol === 'https:' ||
    req.headers.get('x-forwarded-proto') === 'https' ||
    process.env.SIDECAR_FLEET_SECURE_COOKIES === '1'
  );
}

/**
 * Probes and scrapes: the kubelet asks /healthz and /readyz with the pod's IP as Host, Prometheus
 * scrapes /metrics the same way, and neither signs in. They read nothing per person and change
 * nothing, so they skip the Host check and sign-in (a NetworkPolicy can limit who reaches them).
 */
const PROBES = new Set(['/healthz', '/readyz', '/metrics']);

export async function proxy(req: NextRequest): Promise<NextResponse> {
  if (PROBES.has(req.nextUrl.pathname) && SAFE_METHODS.has(req.method)) return NextResponse.next();
  const settings = authSettings();
  const host = (req.headers.get('host') ?? '').toLowerCase();
  if (!settings.allowedHosts.includes(host)) {
    logRefusal('foreign Host header', { path: req.nextUrl.pathname.slice(0, 200) });
    return plain(421, 'This host name is not served here.');
  }
  if (!SAFE_METHODS.has(req.method)) {
    const origin = req.headers.get('origin');
    let originHost = '';
    try {
      originHost = origin ? new URL(origin).host.toLowerCase() : '';
    } catch {
      originHost = '';
    }
    if (!settings.allowedHosts.includes(originHost))
      return plain(403, 'Refused: a request that changes something must come from this dashboard’s own pages.');
  }

  const path = req.nextUrl.pathname;
  let refreshed: string | undefined;
  let clearCookie = false;
  if (settings.mode !== 'local' && !PUBLIC_PATHS.has(path)) {
    if (settings.mode === 'token') {
      const s = await readSession(req.cookies.get(SESSION_COOKIE)?.value, settings);
      if (s.state !== 'valid') {
        const res = unauthorized(
          req,
          s.state === 'expired' ? 'Your session has expired: sign in again.' : 'Sign in to use the dashboard.',
          true,
        );
        if (s.state === 'expired') res.cookies.delete(SESSION_COOKIE);
        return res;
      }
      if (s.refresh) refreshed = await sealSession({ ...s.session, lastSeen: Date.now() }, settings);
    } else {
      const id = await identityFrom(req.headers, undefined, settings, defaultClusterClient);
      if (id.kind === 'none') return unauthorized(req, 'The authenticating proxy sent no identity the dashboard trusts.', false);
    }
  } else if (settings.mode === 'token' && path === '/sign-in') {
    // An expired cookie is cleared on the sign-in page rather than carried around.
    const s = await readSession(req.cookies.get(SESSION_COOKIE)?.value, settings);
    clearCookie = s.state === 'expired';
  }

  const action = req.method === 'POST' ? req.headers.get('next-action') : null;
  if (action !== null) {
    const refused = await malformedAction(req, action);
    if (refused) return refused;
  }

  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64');
  const policy = csp(nonce);
  const requestHeaders = new Headers(req.headers);
  requestHeaders.set('x-nonce', nonce);
  requestHeaders.set('Content-Security-Policy', policy);
  const res = NextResponse.next({ request: { headers: requestHeaders } });
  res.headers.set('Content-Security-Policy', policy);
  if (refreshed) res.cookies.set(SESSION_COOKIE, refreshed, cookieOptions(settings, isSecure(req)));
  if (clearCookie) res.cookies.delete(SESSION_COOKIE);
  return res;
}

export const config = {
  matcher: ['/((?!_next/static|_next/image).*)'],
};
