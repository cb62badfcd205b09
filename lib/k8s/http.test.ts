import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Cluster, startCluster } from '@/lib/sim/index';
import { createFleetClient, type FleetClient } from './config';
import { requestJson } from './http';

/**
 * The door's connections, seen from outside: a TCP relay in front of the built-in cluster counts
 * the connections the dashboard opens and can cut one the way a server drops an idle keep-alive
 * socket (the client learns of it only when it writes the next request).
 */

let cluster: Cluster;
let dir: string;
let relay: net.Server;
const seen = { connections: 0, open: new Set<net.Socket>(), cutOnNextWrite: new Set<net.Socket>(), cut: 0 };

beforeAll(async () => {
  cluster = await startCluster({ fleet: 'empty', kubeconfigPath: false });
  relay = net.createServer((inbound) => {
    seen.connections++;
    seen.open.add(inbound);
    const outbound = net.connect(cluster.port, '127.0.0.1');
    inbound.on('data', (chunk) => {
      if (seen.cutOnNextWrite.delete(inbound)) {
        seen.cut++;
        inbound.resetAndDestroy();
        outbound.destroy();
        return;
      }
      outbound.write(chunk);
    });
    outbound.pipe(inbound);
    inbound.on('close', () => {
      seen.open.delete(inbound);
      seen.cutOnNextWrite.delete(inbound);
      outbound.destroy();
    });
    outbound.on('close', () => inbound.destroy());
    inbound.on('error', () => {});
    outbound.on('error', () => {});
  });
  await new Promise<void>((res) => relay.listen(0, '127.0.0.1', res));
  dir = mkdtempSync(path.join(tmpdir(), 'sf-http-'));
});

afterAll(async () => {
  relay?.close();
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  seen.connections = 0;
  seen.cut = 0;
  seen.cutOnNextWrite.clear();
});

let n = 0;
/** A client of its own (its own agent), through the relay. */
function viaRelay(): FleetClient {
  const port = (relay.address() as net.AddressInfo).port;
  const file = path.join(dir, `kubeconfig-${++n}`);
  writeFileSync(file, cluster.kubeconfig.replace(cluster.url, `https://127.0.0.1:${port}`));
  return createFleetClient({ kubeconfigPath: file });
}

const listNamespaces = (client: FleetClient) => requestJson<{ items: unknown[] }>(client, { path: '/api/v1/namespaces' });

describe('connections to the API server', () => {
  it('keeps its connections: 30 requests one after another open one', async () => {
    const client = viaRelay();
    for (let i = 0; i < 30; i++) expect((await listNamespaces(client)).ok).toBe(true);
    // client-node's own agent (no keepAlive) opened a connection, and a TLS handshake, per request.
    expect(seen.connections).toBe(1);
    // Requests at once use sockets side by side, which are then kept too.
    const together = await Promise.all(Array.from({ length: 4 }, () => listNamespaces(client)));
    expect(together.every((r) => r.ok)).toBe(true);
    const open = seen.connections;
    expect(open).toBeLessThanOrEqual(4);
    for (let i = 0; i < 10; i++) expect((await listNamespaces(client)).ok).toBe(true);
    expect(seen.connections).toBe(open);
    // Credentials are read again every minute (rotated tokens); the same TLS identity keeps its sockets.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 5 * 60_000);
      expect((await listNamespaces(client)).ok).toBe(true);
    } finally {
      vi.useRealTimers();
    }
    expect(seen.connections).toBe(open);
  });

  it('sends a read again on a new connection when the kept one was closed under it', async () => {
    const client = viaRelay();
    expect((await listNamespaces(client)).ok).toBe(true);
    for (const s of seen.open) seen.cutOnNextWrite.add(s);
    const r = await listNamespaces(client);
    expect(seen.cut).toBe(1);
    expect(r.ok).toBe(true);
    expect(seen.connections).toBe(2);
  });

  it('never sends a write twice: a cut write fails as unavailable', async () => {
    const client = viaRelay();
    expect((await listNamespaces(client)).ok).toBe(true);
    for (const s of seen.open) seen.cutOnNextWrite.add(s);
    const r = await requestJson(client, {
      method: 'POST',
      path: '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
      body: {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectAccessReview',
        spec: { resourceAttributes: { verb: 'get', resource: 'pods' } },
      },
    });
    expect(seen.cut).toBe(1);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.kind).toBe('Unavailable');
    expect(seen.connections).toBe(1);
  });
});
