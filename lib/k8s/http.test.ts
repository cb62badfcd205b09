import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Cluster, startCluster } from '@/lib/sim/index';
import { clientImpersonating, clientWithToken, createFleetClient, type FleetClient } from './config';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { keptAliveApiClient } from './agents';
import { requestJson } from './http';

/**
 * The door's connections, seen from outside: a TCP relay in front of the built-in cluster counts
 * the connections the dashboard opens and can cut one the way a server drops an idle keep-alive
 * socket (the client learns of it only when it writes the next request).
 */

let cluster: Cluster;
let dir: string;

interface Relay {
  port: number;
  /** Connections opened through it. */
  connections: number;
  open: Set<net.Socket>;
  /** Connections to drop, with a reset, when the client next writes on them. */
  cutOnNextWrite: Set<net.Socket>;
  cut: number;
  close(): void;
}

/** A relay of its own per test: connections the client keeps for one port are no use on another. */
async function startRelay(): Promise<Relay> {
  const server = net.createServer((inbound) => {
    relay.connections++;
    relay.open.add(inbound);
    const outbound = net.connect(cluster.port, '127.0.0.1');
    inbound.on('data', (chunk) => {
      if (relay.cutOnNextWrite.delete(inbound)) {
        relay.cut++;
        inbound.resetAndDestroy();
        outbound.destroy();
        return;
      }
      outbound.write(chunk);
    });
    outbound.pipe(inbound);
    inbound.on('close', () => {
      relay.open.delete(inbound);
      outbound.destroy();
    });
    outbound.on('close', () => inbound.destroy());
    inbound.on('error', () => {});
    outbound.on('error', () => {});
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  const relay: Relay = {
    port: (server.address() as net.AddressInfo).port,
    connections: 0,
    open: new Set(),
    cutOnNextWrite: new Set(),
    cut: 0,
    close: () => {
      for (const s of relay.open) s.destroy();
      server.close();
    },
  };
  return relay;
}

beforeAll(async () => {
  cluster = await startCluster({ fleet: 'empty', kubeconfigPath: false });
  dir = mkdtempSync(path.join(tmpdir(), 'sf-http-'));
});

afterAll(async () => {
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

let relay: Relay;
beforeEach(async () => {
  relay = await startRelay();
});
afterEach(() => relay.close());

let n = 0;
/** A client of its own, through this test's relay. */
function viaRelay(): FleetClient {
  const file = path.join(dir, `kubeconfig-${++n}`);
  writeFileSync(file, cluster.kubeconfig.replace(cluster.url, `https://127.0.0.1:${relay.port}`));
  return createFleetClient({ kubeconfigPath: file });
}

const listNamespaces = (client: FleetClient) => requestJson<{ items: unknown[] }>(client, { path: '/api/v1/namespaces' });

/** A client whose one kept connection the relay resets when the client next writes on it. */
async function keptConnectionToBeCut(): Promise<FleetClient> {
  const client = viaRelay();
  expect((await listNamespaces(client)).ok).toBe(true);
  for (const s of relay.open) relay.cutOnNextWrite.add(s);
  return client;
}

describe('connections to the API server', () => {
  it('keeps its connections: 30 requests one after another open one', async () => {
    const client = viaRelay();
    for (let i = 0; i < 30; i++) expect((await listNamespaces(client)).ok).toBe(true);
    // client-node's own agent (no keepAlive) opened a connection, and a TLS handshake, per request.
    expect(relay.connections).toBe(1);
    // Requests at once use sockets side by side, which are then kept too.
    const together = await Promise.all(Array.from({ length: 4 }, () => listNamespaces(client)));
    expect(together.every((r) => r.ok)).toBe(true);
    const open = relay.connections;
    expect(open).toBeLessThanOrEqual(4);
    for (let i = 0; i < 10; i++) expect((await listNamespaces(client)).ok).toBe(true);
    expect(relay.connections).toBe(open);
    // Credentials are read again every minute (rotated tokens); the same TLS identity keeps its sockets.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 5 * 60_000);
      expect((await listNamespaces(client)).ok).toBe(true);
    } finally {
      vi.useRealTimers();
    }
    expect(relay.connections).toBe(open);
  });

  it("shares them between people: a signed-in user and an impersonation reuse the server's connection", async () => {
    const server = viaRelay();
    expect((await listNamespaces(server)).ok).toBe(true);
    expect(relay.connections).toBe(1);
    // Bearer tokens and Impersonate-* headers travel with each request, not with the connection.
    const viewer = clientWithToken(server, 'viewer', cluster.tokens.viewer);
    const r = await requestJson<{ status?: { userInfo?: { username?: string } } }>(viewer, {
      method: 'POST',
      path: '/apis/authentication.k8s.io/v1/selfsubjectreviews',
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
    });
    expect(r.ok && r.value.status?.userInfo?.username).toBe('viewer');
    const impersonated = clientImpersonating(server, 'viewer', []);
    const listed = await listNamespaces(impersonated);
    expect(listed.ok).toBe(true);
    expect(relay.connections).toBe(1);
  });

  it("keeps them for client-node's API classes too (the bench's churn)", async () => {
    const kc = new KubeConfig();
    kc.loadFromString(cluster.kubeconfig.replace(cluster.url, `https://127.0.0.1:${relay.port}`));
    const core = keptAliveApiClient(kc, CoreV1Api);
    for (let i = 0; i < 10; i++) expect((await core.listNamespace()).items.length).toBeGreaterThan(0);
    // kc.makeApiClient(CoreV1Api) opened 10.
    expect(relay.connections).toBe(1);
  });

  it('sends a read again on a new connection when the kept one was closed under it', async () => {
    const client = await keptConnectionToBeCut();
    const r = await listNamespaces(client);
    expect(relay.cut).toBe(1);
    expect(r.ok).toBe(true);
    expect(relay.connections).toBe(2);
  });

  it('never sends a write twice: a cut write fails as unavailable', async () => {
    const client = await keptConnectionToBeCut();
    const r = await requestJson(client, {
      method: 'POST',
      path: '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
      body: {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectAccessReview',
        spec: { resourceAttributes: { verb: 'get', resource: 'pods' } },
      },
    });
    expect(relay.cut).toBe(1);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.kind).toBe('Unavailable');
    expect(relay.connections).toBe(1);
  });
});
