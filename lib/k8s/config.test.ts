import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Cluster, startCluster } from '@/lib/sim/index';
import { clusterSources, createFleetClient, kruiseNamespace, SERVICE_ACCOUNT_DIR, serviceAccountDir } from './config';
import { requestJson } from './http';

/**
 * The in-cluster path outside a pod: the service account's token and CA read from
 * SIDECAR_FLEET_SERVICEACCOUNT_DIR, the API server from KUBERNETES_SERVICE_HOST/PORT, against the
 * built-in cluster over HTTPS. (On the real control plane with an issued token: tools/deploy.)
 */

let cluster: Cluster;
let dir: string;
const saved = { ...process.env };

beforeAll(async () => {
  cluster = await startCluster({ fleet: 'empty' });
  dir = mkdtempSync(path.join(tmpdir(), 'sf-sa-'));
});

afterEach(() => {
  for (const k of ['SIDECAR_FLEET_SERVICEACCOUNT_DIR', 'KUBERNETES_SERVICE_HOST', 'KUBERNETES_SERVICE_PORT', 'HOME']) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

afterAll(async () => {
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const envOf = (vars: Record<string, string>) => vars as unknown as NodeJS.ProcessEnv;

function mount(token: string): void {
  writeFileSync(path.join(dir, 'token'), token);
  writeFileSync(path.join(dir, 'ca.crt'), cluster.caPem);
  writeFileSync(path.join(dir, 'namespace'), 'sidecar-fleet');
  const url = new URL(cluster.url);
  process.env.SIDECAR_FLEET_SERVICEACCOUNT_DIR = dir;
  process.env.KUBERNETES_SERVICE_HOST = url.hostname;
  process.env.KUBERNETES_SERVICE_PORT = url.port;
}

describe('in-cluster config', () => {
  it('defaults to the pod mount and follows SIDECAR_FLEET_SERVICEACCOUNT_DIR', () => {
    expect(serviceAccountDir(envOf({}))).toBe('/var/run/secrets/kubernetes.io/serviceaccount');
    expect(serviceAccountDir(envOf({}))).toBe(SERVICE_ACCOUNT_DIR);
    expect(serviceAccountDir(envOf({ SIDECAR_FLEET_SERVICEACCOUNT_DIR: '/x/sa' }))).toBe('/x/sa');
  });

  it('reaches the API server with the mounted token, trusting the mounted CA', async () => {
    mount(cluster.tokens.viewer as string);
    const client = createFleetClient({ inCluster: true });
    expect(client).toMatchObject({ source: 'in-cluster', server: cluster.url, identity: { user: 'serviceaccount' } });
    const r = await requestJson<{ items: unknown[] }>(client, { path: '/api/v1/namespaces' });
    expect(r.ok).toBe(true);
  });

  it('sends the token it reads: a wrong one is refused', async () => {
    mount('not-a-token');
    const r = await requestJson(createFleetClient({ inCluster: true }), { path: '/api/v1/namespaces' });
    expect(r).toMatchObject({ ok: false, error: { kind: 'Unauthorized', code: 401 } });
  });

  it('is a cluster source when the mount holds a token, and none without one', () => {
    mount(cluster.tokens.viewer as string);
    // No KUBECONFIG, and a home without .kube/config (os.homedir() follows HOME).
    process.env.HOME = dir;
    const env = envOf({ KUBERNETES_SERVICE_HOST: '127.0.0.1', SIDECAR_FLEET_SERVICEACCOUNT_DIR: dir });
    expect(clusterSources(env)).toEqual({ inCluster: true });
    expect(
      clusterSources(envOf({ KUBERNETES_SERVICE_HOST: '127.0.0.1', SIDECAR_FLEET_SERVICEACCOUNT_DIR: path.join(dir, 'none') })),
    ).toEqual({ inCluster: false });
  });
});

describe('the Kruise namespace', () => {
  it('is kruise-system unless SIDECAR_FLEET_KRUISE_NAMESPACE (the chart value) names another', () => {
    expect(kruiseNamespace(envOf({}))).toBe('kruise-system');
    expect(kruiseNamespace(envOf({ SIDECAR_FLEET_KRUISE_NAMESPACE: 'openkruise' }))).toBe('openkruise');
    expect(kruiseNamespace(envOf({ SIDECAR_FLEET_KRUISE_NAMESPACE: ' ' }))).toBe('kruise-system');
  });
});
