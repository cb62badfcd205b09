import 'server-only';
import http from 'node:http';
import https from 'node:https';
import { keptAlive } from './agents';
import type { FleetClient } from './config';
import { errorFromStatus, fail, type K8sError, ok, type Result, toK8sError } from './errors';

/**
 * Raw JSON over the kubeconfig's transport (its CA, client certificate and bearer token come from
 * client-node's `applyToFetchOptions`). The cache uses this rather than the typed API classes:
 * list pages of 500 pods stay plain JSON (no class instances, no Date objects, no per-field
 * deserialization), and a watch is a stream we can time out and end on the response's `close`.
 */

interface Transport {
  agent: http.Agent | undefined;
  headers: Record<string, string | string[]>;
  expires: number;
}

const transports = new WeakMap<FleetClient, Transport>();
// Short enough for rotated service-account tokens and exec credentials to be picked up.
const TRANSPORT_TTL_MS = 60_000;
async function transport(client: FleetClient): Promise<Transport> {
  const cached = transports.get(client);
  if (cached && cached.expires > Date.now()) return cached;
  const init = await client.kc.applyToFetchOptions({});
  const headers: Record<string, string | string[]> = {};
  const h = init.headers as unknown as { forEach?: (fn: (v: string, k: string) => void) => void } | undefined;
  h?.forEach?.((v, k) => {
    headers[k] = v;
  });
  if (client.impersonate) {
    // One header line per group: a comma-joined value would be read as a single group name.
    headers['Impersonate-User'] = client.impersonate.user;
    if (client.impersonate.groups.length > 0) headers['Impersonate-Group'] = client.impersonate.groups;
  }
  const agent = keptAlive(init.agent as http.Agent | undefined);
  const t: Transport = { agent, headers, expires: Date.now() + TRANSPORT_TTL_MS };
  transports.set(client, t);
  return t;
}

export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  query?: Query;
  body?: unknown;
  contentType?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

function buildUrl(client: FleetClient, path: string, query?: Query): URL {
  const url = new URL(client.server.replace(/\/+$/, '') + path);
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
  return url;
}

// A kept-alive socket the server closed as we reused it: safe to send again only if nothing could
// have happened, so only for reads.
const STALE_SOCKET = new Set(['ECONNRESET', 'EPIPE']);

/** One request's answer: its status and body text, or the socket's failure. Never throws. */
async function send(
  client: FleetClient,
  opts: RequestOptions,
  accept: string,
  retried = false,
): Promise<Result<{ code: number; text: string }>> {
  let t: Transport;
  try {
    t = await transport(client);
  } catch (e) {
    return fail(toK8sError(e));
  }
  const url = buildUrl(client, opts.path, opts.query);
  const payload = opts.body === undefined ? undefined : Buffer.from(JSON.stringify(opts.body));
  const headers: Record<string, string | string[]> = { ...t.headers, Accept: accept };
  if (payload) {
    headers['Content-Type'] = opts.contentType ?? 'application/json';
    headers['Content-Length'] = String(payload.length);
  }
  const mod = url.protocol === 'http:' ? http : https;
  return new Promise((resolve) => {
    let settled = false;
    const settle = (r: Result<{ code: number; text: string }> | Promise<Result<{ code: number; text: string }>>) => {
      if (!settled) {
        settled = true;
        resolve(r);
      }
    };
    let answered = false;
    const req = mod.request(url, { method: opts.method ?? 'GET', headers, agent: t.agent, signal: opts.signal }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (e) => settle(fail(toK8sError(e))));
      res.on('end', () => settle(ok({ code: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') })));
    });
    req.setTimeout(opts.timeoutMs ?? 30_000, () => {
      req.destroy(Object.assign(new Error(`Request to ${opts.path} timed out`), { code: 'ETIMEDOUT' }));
    });
    req.on('error', (e) => {
      const read = (opts.method ?? 'GET') === 'GET';
      const stale = req.reusedSocket && !answered && STALE_SOCKET.has((e as NodeJS.ErrnoException).code ?? '');
      if (read && stale && !retried && !opts.signal?.aborted) {
        settle(send(client, opts, accept, true));
        return;
      }
      settle(fail(toK8sError(e)));
    });
    if (payload) req.write(payload);
    req.end();
  });
}

/** One JSON request. Never throws: HTTP and socket failures come back as K8sError values. */
export async function requestJson<T>(client: FleetClient, opts: RequestOptions): Promise<Result<T>> {
  const r = await send(client, opts, 'application/json');
  if (!r.ok) return r;
  const { code, text } = r.value;
  if (code < 200 || code >= 300) return fail(errorFromStatus(code, text));
  try {
    return ok((text ? JSON.parse(text) : {}) as T);
  } catch (e) {
    return fail({ kind: 'Unknown', code, message: `Unparseable response: ${String(e)}` });
  }
}

/**
 * The HTTP status of a GET whose body does not matter (`/readyz` answers plain text), or the
 * socket's failure (refused, reset, timed out).
 */
export async function requestStatus(client: FleetClient, path: string, timeoutMs: number): Promise<Result<number>> {
  const r = await send(client, { path, timeoutMs }, 'text/plain, application/json');
  return r.ok ? ok(r.value.code) : r;
}

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR' | string;
  object: unknown;
}

export interface WatchHandle {
  abort(): void;
}

/**
 * Opens `?watch=true` on a list path. `onEvent` gets each line; `onDone` is called exactly once:
 * with null when the server ended the stream (timeoutSeconds elapsed), or with the error (an HTTP
 * status as K8sError, a dropped socket as Unavailable). `idleMs`: if nothing at all arrives for
 * that long (no event, no bookmark) the stream is treated as dead; a server that vanished
 * without closing the socket would otherwise leave the watch hanging forever.
 */
export function openWatch(
  client: FleetClient,
  path: string,
  query: Query,
  onEvent: (ev: WatchEvent) => void,
  onDone: (err: K8sError | null) => void,
  idleMs: number,
  onOpen?: () => void,
): WatchHandle {
  let done = false;
  let req: http.ClientRequest | undefined;
  let idle: NodeJS.Timeout | undefined;
  const finish = (err: K8sError | null) => {
    if (done) return;
    done = true;
    if (idle) clearTimeout(idle);
    req?.destroy();
    onDone(err);
  };
  const kick = () => {
    if (idle) clearTimeout(idle);
    idle = setTimeout(() => finish({ kind: 'Unavailable', message: `Watch ${path} went silent for ${idleMs} ms` }), idleMs);
    idle.unref?.();
  };
  void transport(client).then(
    (t) => {
      if (done) return;
      const url = buildUrl(client, path, { ...query, watch: true });
      const mod = url.protocol === 'http:' ? http : https;
      kick();
      req = mod.request(url, { method: 'GET', headers: { ...t.headers, Accept: 'application/json' }, agent: t.agent }, (res) => {
        const code = res.statusCode ?? 0;
        if (code !== 200) {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => finish(errorFromStatus(code, Buffer.concat(chunks).toString('utf8'))));
          res.on('error', (e) => finish(toK8sError(e)));
          return;
        }
        onOpen?.();
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          kick();
          buf += chunk;
          let nl = buf.indexOf('\n');
          while (nl >= 0) {
            const line = buf.slice(0, nl).trim();
            buf = buf.slice(nl + 1);
            if (line) {
              try {
                const ev = JSON.parse(line) as WatchEvent;
                onEvent(ev);
              } catch {
                // A torn line from a dying connection: the re-watch from the last resourceVersion covers it.
              }
            }
            if (done) return;
            nl = buf.indexOf('\n');
          }
        });
        res.on('error', (e) => finish(toK8sError(e)));
        // The response's close, not the request's (which fires at once on some Node versions).
        res.on('close', () => finish(res.complete ? null : { kind: 'Unavailable', message: `Watch ${path} was cut off` }));
      });
      req.on('error', (e) => finish(toK8sError(e)));
      req.end();
    },
    (e) => finish(toK8sError(e)),
  );
  return { abort: () => finish(null) };
}
