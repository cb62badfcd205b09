import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logger, setLogSink, setRequestUser } from '@/lib/log';
import { answersInFlight, whenAnswered } from '@/lib/k8s/lifecycle';
import { fleetMetrics } from '@/lib/metrics';
import { closeServers, installRequestHooks, requestsInFlight, whenRequestsSettled } from './request-hooks';

/**
 * The hooks on a real HTTP server (as Next's is): request ids through async work, the access line,
 * the latency histogram, and the in-flight count a graceful shutdown waits on.
 */

const lines: Array<Record<string, unknown>> = [];
let server: http.Server;
let base: string;
const gates = new Map<string, () => void>();

beforeAll(async () => {
  setLogSink({ write: (line) => lines.push(JSON.parse(line)) });
  installRequestHooks();
  const log = logger('test');
  server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const wait = Number(url.searchParams.get('wait') ?? 0);
    const gate = url.searchParams.get('gate');
    // Work that crosses timers and promises, as a route handler's cluster reads do.
    if (gate) await new Promise<void>((r) => gates.set(gate, r));
    await new Promise((r) => setTimeout(r, wait));
    if (url.searchParams.get('user')) setRequestUser(url.searchParams.get('user') as string);
    await Promise.resolve();
    log.info({ tag: url.searchParams.get('tag') }, 'handled');
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

const handled = (tag: string) => lines.find((l) => l.component === 'test' && l.tag === tag);

/** A request the server holds at `gate` until the test opens it: resolves, once it is held, to the open function and the response. */
async function held(path: string, gate: string): Promise<{ open: () => void; response: Promise<Response> }> {
  const response = fetch(`${base}${path}${path.includes('?') ? '&' : '?'}gate=${gate}`);
  await expect.poll(() => gates.has(gate)).toBe(true);
  return { open: () => gates.get(gate)?.(), response };
}

describe('request hooks', () => {
  it('give each request an id, echoed in X-Request-Id and carried by every line it logs', async () => {
    const [slow, fast] = await Promise.all([
      fetch(`${base}/a?tag=slow&wait=60`, { method: 'POST' }),
      fetch(`${base}/b?tag=fast&wait=1`, { method: 'POST' }),
    ]);
    const slowId = slow.headers.get('x-request-id');
    const fastId = fast.headers.get('x-request-id');
    expect(slowId).toMatch(/^[0-9a-f-]{36}$/);
    expect(fastId).not.toBe(slowId);
    // Interleaved requests each keep their own id across their awaits.
    expect(handled('slow')?.reqId).toBe(slowId);
    expect(handled('fast')?.reqId).toBe(fastId);
    const access = lines.find((l) => l.component === 'http' && l.reqId === slowId);
    expect(access).toMatchObject({ level: 'info', method: 'POST', path: '/a', status: '200', msg: 'request' });
    expect(typeof access?.ms).toBe('number');
  });

  it('keep a sane incoming id and replace anything else', async () => {
    const kept = await fetch(`${base}/c?tag=kept`, { headers: { 'X-Request-Id': 'edge-7f3a.1' } });
    expect(kept.headers.get('x-request-id')).toBe('edge-7f3a.1');
    expect(handled('kept')?.reqId).toBe('edge-7f3a.1');
    const replaced = await fetch(`${base}/c?tag=replaced`, { headers: { 'X-Request-Id': `a b ${'x'.repeat(200)}` } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('name the user once the sign-in layer has said who is asking', async () => {
    await fetch(`${base}/d?tag=alice&user=alice`);
    expect(handled('alice')).toMatchObject({ user: 'alice' });
    expect(handled('kept')?.user).toBeUndefined();
  });

  it('time each request by method, route and status', async () => {
    await fetch(`${base}/e?tag=timed`, { method: 'PUT' });
    const text = await fleetMetrics().registry.metrics();
    expect(text).toMatch(/^sidecar_fleet_http_request_duration_seconds_count\{method="PUT",route="[^"]+",status="200"\} 1$/m);
  });

  it('count requests in flight until they end', async () => {
    const gated = await held('/f?tag=gated', 'g1');
    expect(requestsInFlight()).toBe(1);
    let settled: boolean | undefined;
    const waiting = whenRequestsSettled(5_000).then((v) => {
      settled = v;
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(settled).toBeUndefined();
    gated.open();
    await gated.response;
    await waiting;
    expect(settled).toBe(true);
    expect(requestsInFlight()).toBe(0);
  });

  it('count answers under way, which model builds give way to, but not live streams', async () => {
    const live = await held('/api/c/demo/live?tag=stream', 'g3');
    expect(requestsInFlight()).toBe(1);
    expect(answersInFlight()).toBe(0);
    const page = await held('/c/demo?tag=page', 'g4');
    expect(answersInFlight()).toBe(1);
    let answered = false;
    const waiting = whenAnswered(60_000).then(() => {
      answered = true;
    });
    // Still under way after the live stream ends.
    live.open();
    await live.response;
    expect(answered).toBe(false);
    page.open();
    await page.response;
    await waiting;
    expect(answered).toBe(true);
    expect(answersInFlight()).toBe(0);
  });

  it('stop waiting for answers after the time given', async () => {
    const page = await held('/c/demo?tag=stuck', 'g5');
    const t = performance.now();
    await whenAnswered(50);
    expect(performance.now() - t).toBeGreaterThanOrEqual(45);
    expect(answersInFlight()).toBe(1);
    page.open();
    await page.response;
  });

  // Last: it closes the server.
  it('on close, end idle keep-alive connections at once and busy ones after their request', async () => {
    server.keepAliveTimeout = 65_000; // as the image sets it (Dockerfile, KEEP_ALIVE_TIMEOUT)
    const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
    const get = (path: string) =>
      new Promise<{ res: http.IncomingMessage; socket: import('node:net').Socket; body: string }>((resolve, reject) => {
        http
          .get(`${base}${path}`, { agent }, (res) => {
            const socket = res.socket;
            let body = '';
            res.on('data', (c) => {
              body += c;
            });
            res.on('end', () => resolve({ res, socket, body }));
          })
          .on('error', reject);
      });
    const closed = (socket: import('node:net').Socket) =>
      new Promise<void>((r) => (socket.destroyed ? r() : socket.once('close', () => r())));
    // Two kept-alive connections: one with a request in flight, then one idle (the agent would
    // reuse an idle one for the request, so the busy one goes first).
    const busy = get('/g?tag=busy&gate=g2');
    await expect.poll(() => gates.has('g2')).toBe(true);
    const idle = await get('/g?tag=idle');
    expect(idle.res.headers.connection).toBe('keep-alive');
    let idleClosed = false;
    void closed(idle.socket).then(() => {
      idleClosed = true;
    });
    closeServers();
    await expect.poll(() => idleClosed).toBe(true);
    gates.get('g2')?.();
    const answered = await busy;
    expect(answered.body).toBe('ok');
    expect(answered.socket).not.toBe(idle.socket);
    await closed(answered.socket);
    agent.destroy();
  });
});
