/** Fault injection through the admin-only /sim/faults endpoint and startCluster's `faults` option. */
import * as k8s from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { raw, startTestCluster, type TestCluster, waitFor } from '../test-support';

let t: TestCluster;
const admin = () => t.cluster.tokens.admin;

beforeAll(async () => {
  t = await startTestCluster();
});

afterAll(async () => {
  await t?.stop();
});

afterEach(async () => {
  await raw(t.cluster, 'POST', '/sim/faults', { token: admin(), body: { reset: true } });
});

function watchUntilDone(path: string): Promise<{ doneAt: number; err: unknown }> {
  const w = new k8s.Watch(t.kc());
  return new Promise((resolve) => {
    void w.watch(
      path,
      {},
      () => {},
      (err) => resolve({ doneAt: Date.now(), err }),
    );
  });
}

describe('/sim/faults', () => {
  it('is admin-only and reports the current faults', async () => {
    const v = await raw(t.cluster, 'GET', '/sim/faults', { token: t.cluster.tokens.viewer });
    expect(v.status).toBe(403);
    expect(v.json().message).toBe('forbidden: User "viewer" cannot get path "/sim/faults"');
    const set = await raw(t.cluster, 'POST', '/sim/faults', { token: admin(), body: { latencyMs: 5, errorRate: 0 } });
    expect(set.status).toBe(200);
    expect(set.json()).toEqual({ latencyMs: 5, errorRate: 0 });
    expect((await raw(t.cluster, 'GET', '/sim/faults', { token: admin() })).json()).toEqual({ latencyMs: 5, errorRate: 0 });
    const bad = await raw(t.cluster, 'POST', '/sim/faults', { token: admin(), body: { errorRate: 2 } });
    expect(bad.status).toBe(400);
    expect(bad.json().message).toBe('errorRate must be a number in [0, 1]');
  });

  it('adds latency to every request', async () => {
    await raw(t.cluster, 'POST', '/sim/faults', { token: admin(), body: { latencyMs: 200 } });
    const started = Date.now();
    const r = await raw(t.cluster, 'GET', '/api/v1/namespaces', { token: admin() });
    expect(r.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(195);
  });

  it('answers a fraction of requests with 500 or 503 Status objects', async () => {
    await raw(t.cluster, 'POST', '/sim/faults', { token: admin(), body: { errorRate: 1, errorCode: 503 } });
    const r = await raw(t.cluster, 'GET', '/api/v1/namespaces', { token: admin() });
    expect(r.status).toBe(503);
    expect(r.headers['retry-after']).toBe('1');
    expect(r.json()).toMatchObject({ kind: 'Status', reason: 'ServiceUnavailable', code: 503 });
    await raw(t.cluster, 'POST', '/sim/faults', { token: admin(), body: { errorRate: 1, errorCode: 500 } });
    const s = await raw(t.cluster, 'GET', '/api/v1/namespaces', { token: admin() });
    expect(s.json()).toMatchObject({ reason: 'InternalError', code: 500, message: 'Internal error occurred: injected fault' });
    // Half: over 200 requests both outcomes show up.
    await raw(t.cluster, 'POST', '/sim/faults', { token: admin(), body: { errorRate: 0.5, errorCode: 503 } });
    const codes = new Set<number>();
    for (let i = 0; i < 40 && codes.size < 2; i++) codes.add((await raw(t.cluster, 'GET', '/version', { token: admin() })).status);
    expect([...codes].sort()).toEqual([200, 503]);
  });

  it('drops open watches now, and every N seconds', async () => {
    const pending = watchUntilDone('/api/v1/pods');
    await waitFor(() => t.cluster.server.watches.count > 0, 3000, 'the watch to open');
    const at = Date.now();
    await raw(t.cluster, 'POST', '/sim/faults', { token: admin(), body: { dropWatchesNow: true } });
    const { doneAt } = await pending;
    expect(doneAt - at).toBeLessThan(1000);

    await raw(t.cluster, 'POST', '/sim/faults', { token: admin(), body: { dropWatchesEverySeconds: 1 } });
    const started = Date.now();
    const again = await watchUntilDone('/api/v1/namespaces');
    expect(again.doneAt - started).toBeGreaterThan(100);
    expect(again.doneAt - started).toBeLessThan(2500);
  });

  it('expires open watches with an in-stream 410 ERROR event', async () => {
    const got: Array<{ type: string; code?: number; reason?: string }> = [];
    const w = new k8s.Watch(t.kc());
    await w.watch(
      '/api/v1/namespaces',
      {},
      (type, obj) => {
        if (type === 'ERROR') got.push({ type, code: obj.code, reason: obj.reason });
      },
      () => {},
    );
    await waitFor(() => t.cluster.server.watches.count > 0, 3000, 'the watch to open');
    await raw(t.cluster, 'POST', '/sim/faults', { token: admin(), body: { expireWatchesNow: true } });
    await waitFor(() => got.length > 0, 3000, 'the ERROR event');
    expect(got).toEqual([{ type: 'ERROR', code: 410, reason: 'Expired' }]);
    await waitFor(() => t.cluster.server.watches.count === 0, 3000, 'the watch to close');
  });

  it('forces 410 on the next watch as an HTTP status', async () => {
    await raw(t.cluster, 'POST', '/sim/faults', { token: admin(), body: { force410NextWatch: 'http' } });
    const r = await raw(t.cluster, 'GET', '/api/v1/pods?watch=true&resourceVersion=1', { token: admin() });
    expect(r.status).toBe(410);
    expect(r.json()).toMatchObject({ kind: 'Status', reason: 'Expired', code: 410 });
    // Only the next one.
    expect((await raw(t.cluster, 'GET', '/sim/faults', { token: admin() })).json().force410NextWatch).toBe(false);
  });

  it('fails every request during an outage window: connection resets, or 503', async () => {
    await raw(t.cluster, 'POST', '/sim/faults', { token: admin(), body: { outageSeconds: 1, outageMode: 'reset' } });
    await expect(raw(t.cluster, 'GET', '/api/v1/namespaces', { token: admin() })).rejects.toThrow(/socket hang up|ECONNRESET/);
    // The endpoint stays reachable to end the outage early.
    await raw(t.cluster, 'POST', '/sim/faults', { token: admin(), body: { outageSeconds: 1, outageMode: '503' } });
    expect((await raw(t.cluster, 'GET', '/api/v1/namespaces', { token: admin() })).status).toBe(503);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await raw(t.cluster, 'GET', '/api/v1/namespaces', { token: admin() })).status).toBe(200);
  });

  it('takes faults at start-up (the CLI flags)', async () => {
    const c = await startTestCluster({ faults: { errorRate: 1, errorCode: 500 } });
    try {
      expect((await raw(c.cluster, 'GET', '/version', { token: c.cluster.tokens.admin })).status).toBe(500);
    } finally {
      await c.stop();
    }
  });
});
