import 'server-only';
import { AsyncLocalStorage } from 'node:async_hooks';
import pino, { type Logger } from 'pino';

/**
 * The server's logs: one JSON object per line on stdout (pino), for a cluster's log pipeline.
 * Every line written while a request is handled carries that request's `reqId` and, once the
 * sign-in layer has said who is asking (`setRequestUser`), its `user`.
 *
 *   const log = logger('rollout');
 *   log.info({ sidecarSet: name, action }, 'rollout action applied');
 *
 * SIDECAR_FLEET_LOG_LEVEL: trace, debug, info (default), warn, error, fatal or silent.
 * State lives on globalThis: Next gives route handlers and instrumentation.ts separate copies of
 * this module, and they must share one logger and one request context.
 */

export type { Logger };

export interface RequestContext {
  /** From a sane incoming X-Request-Id, else generated; echoed in the response's X-Request-Id. */
  reqId: string;
  method?: string;
  path?: string;
  /** Who is asking, as the sign-in layer established it. */
  user?: string;
}

interface LogState {
  root: Logger;
  requests: AsyncLocalStorage<RequestContext>;
  /** Where lines go (stdout, through pino's synchronous destination, unless a test says otherwise). */
  sink: { write(line: string): void };
}

const KEY = Symbol.for('sidecar-fleet.log');
type Holder = { [KEY]?: LogState };

function state(): LogState {
  const g = globalThis as Holder;
  if (!g[KEY]) {
    const requests = new AsyncLocalStorage<RequestContext>();
    const sink: LogState['sink'] = pino.destination({ dest: 1, sync: true });
    const root = pino(
      {
        level: process.env.SIDECAR_FLEET_LOG_LEVEL || 'info',
        base: { service: 'sidecar-fleet' },
        timestamp: pino.stdTimeFunctions.isoTime,
        // "level":"info" rather than 30: what log pipelines and people search for.
        formatters: { level: (label) => ({ level: label }) },
        mixin() {
          const r = requests.getStore();
          if (!r) return {};
          return r.user ? { reqId: r.reqId, user: r.user } : { reqId: r.reqId };
        },
      },
      { write: (line: string) => g[KEY]?.sink.write(line) },
    );
    g[KEY] = { root, requests, sink };
  }
  return g[KEY];
}

/** A logger whose lines say which part of the server wrote them (`"component":"rollout-guard"`). */
export function logger(component: string): Logger {
  return state().root.child({ component });
}

/** Runs `fn` as part of a request: every line it logs carries the request's id (and user). */
export function runWithRequest<T>(ctx: RequestContext, fn: () => T): T {
  return state().requests.run(ctx, fn);
}

/**
 * Makes the rest of the current synchronous execution, and everything it starts, part of a
 * request. For hooks that see a request begin but do not call its handler (diagnostics channels).
 */
export function enterRequest(ctx: RequestContext): void {
  state().requests.enterWith(ctx);
}

/** The request being handled, if any. */
export function currentRequest(): RequestContext | undefined {
  return state().requests.getStore();
}

/** The sign-in layer calls this once it knows who is asking; later lines of the request name them. */
export function setRequestUser(user: string): void {
  const r = state().requests.getStore();
  if (r) r.user = user;
}

/** Sends every log line to `sink` instead of stdout (tests read what the server logged). */
export function setLogSink(sink: { write(line: string): void }): void {
  state().sink = sink;
}

/** An error as loggable fields (pino's `err` serializer keeps type, message and stack). */
export function errorFields(e: unknown): { err: unknown } {
  return { err: e instanceof Error ? e : new Error(String(e)) };
}
