import 'server-only';
import { randomUUID } from 'node:crypto';
import diagnostics from 'node:diagnostics_channel';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { answerStarted, untilNone } from '@/lib/k8s/lifecycle';
import { enterRequest, logger } from '@/lib/log';
import { fleetMetrics } from '@/lib/metrics';
import { routeOf } from './routes';

/**
 * Hooks on every HTTP request the Next server handles, through Node's `http.server.request.start`
 * diagnostics channel (Next's own server.js stays untouched):
 *   - a request id (a sane incoming X-Request-Id, else a new one), echoed in the response and
 *     carried by every log line written while the request is handled (lib/log.ts);
 *   - its latency in sidecar_fleet_http_request_duration_seconds, by route pattern and status;
 *   - the requests in flight and the HTTP servers, which a graceful shutdown closes and waits for;
 *   - the answers being computed (every request but a live stream), which model builds give way to
 *     (lib/k8s/lifecycle.ts answerStarted).
 */

interface HooksState {
  servers: Set<Server>;
  inFlight: number;
  idle: Array<() => void>;
  /** closeServers() was called: no connection is kept alive past its current request. */
  closing: boolean;
}

const KEY = Symbol.for('sidecar-fleet.request-hooks');
type Holder = { [KEY]?: HooksState };
const log = logger('http');

const PROBES = new Set(['/healthz', '/readyz', '/metrics']);

/** A live view's stream (app/api/c/[cluster]/live): open for minutes, so not an answer being computed. */
const LIVE_STREAM = /^\/api\/c\/[^/]+\/live$/;

/** Ids we accept from a proxy in front of us: short, printable, no spaces. */
const SANE_ID = /^[\w.:@/+=-]{1,128}$/;

export function installRequestHooks(): void {
  const g = globalThis as Holder;
  if (g[KEY]) return;
  const state: HooksState = { servers: new Set(), inFlight: 0, idle: [], closing: false };
  g[KEY] = state;
  const { requestDuration } = fleetMetrics();
  diagnostics.subscribe('http.server.request.start', (message) => {
    const { request, response, server } = message as { request: IncomingMessage; response: ServerResponse; server: Server };
    state.servers.add(server);
    const incoming = request.headers['x-request-id'];
    const reqId = typeof incoming === 'string' && SANE_ID.test(incoming) ? incoming : randomUUID();
    response.setHeader('X-Request-Id', reqId);
    // Shutting down: a request that came on a kept-alive connection is answered, and the
    // connection closes after it, so the client's next request goes to another replica.
    if (state.closing) response.setHeader('Connection', 'close');
    const urlPath = (request.url ?? '/').split('?')[0] ?? '/';
    const method = request.method ?? 'GET';
    // The request's handler is called right after this hook, in the same synchronous execution.
    enterRequest({ reqId, method, path: urlPath });
    const started = process.hrtime.bigint();
    state.inFlight++;
    const answered = LIVE_STREAM.test(urlPath) ? undefined : answerStarted();
    response.once('close', () => {
      state.inFlight--;
      answered?.();
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const status = response.writableFinished ? String(response.statusCode) : 'aborted';
      const route = routeOf(urlPath);
      requestDuration.observe({ method, route, status }, seconds);
      const fields = { reqId, method, path: urlPath, route, status, ms: Math.round(seconds * 1000) };
      // Pages poll their data every few seconds and probes ask all the time: reads are debug
      // lines, writes (actions) are info, failures warn (a 503 from /readyz is an answer, not one).
      if (PROBES.has(route)) log.debug(fields, 'request');
      else if (response.statusCode >= 500) log.warn(fields, 'request failed');
      else if (method !== 'GET' && method !== 'HEAD') log.info(fields, 'request');
      else log.debug(fields, 'request');
      // A connection whose request began before the shutdown is idle now: close it too.
      if (state.closing) server.closeIdleConnections();
      if (state.inFlight === 0) for (const fn of state.idle.splice(0)) fn();
    });
  });
}

/**
 * Stops accepting connections on every server seen so far. Idle keep-alive connections close now,
 * busy ones after their request (server.close() alone would leave those open for the keep-alive
 * timeout, 65 s in the image, still answering).
 */
export function closeServers(): number {
  const state = (globalThis as Holder)[KEY];
  if (!state) return 0;
  state.closing = true;
  for (const s of state.servers) {
    s.close();
    s.closeIdleConnections();
  }
  return state.servers.size;
}

/** Resolves true once no request is in flight, or false after `timeoutMs`. */
export function whenRequestsSettled(timeoutMs: number): Promise<boolean> {
  const state = (globalThis as Holder)[KEY];
  return state ? untilNone(state.inFlight, state.idle, timeoutMs) : Promise.resolve(true);
}

export function requestsInFlight(): number {
  return (globalThis as Holder)[KEY]?.inFlight ?? 0;
}
