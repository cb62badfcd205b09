/**
 * Helpers for the simulator's own tests: a small, fast cluster on a free port and client-node
 * clients for each simulated user. Tests talk to the cluster over HTTPS only.
 */
import { request } from 'node:https';
import * as k8s from '@kubernetes/client-node';
import { type Cluster, type StartClusterOptions, startCluster } from './index';
import { eventually } from '@/lib/test-support/poll';

export interface TestCluster {
  cluster: Cluster;
  kc: (user?: string) => k8s.KubeConfig;
  core: (user?: string) => k8s.CoreV1Api;
  apps: (user?: string) => k8s.AppsV1Api;
  custom: (user?: string) => k8s.CustomObjectsApi;
  stop: () => Promise<void>;
}

export async function startTestCluster(opts: StartClusterOptions = {}): Promise<TestCluster> {
  const cluster = await startCluster({
    port: 0,
    kubeconfigPath: false,
    kubeletDelayMs: 10,
    bookmarkIntervalMs: 200,
    kruise: false,
    ...opts,
  });
  const kc = (user = 'admin') => {
    const c = new k8s.KubeConfig();
    c.loadFromString(cluster.kubeconfigFor(user));
    return c;
  };
  return {
    cluster,
    kc,
    core: (u) => kc(u).makeApiClient(k8s.CoreV1Api),
    apps: (u) => kc(u).makeApiClient(k8s.AppsV1Api),
    custom: (u) => kc(u).makeApiClient(k8s.CustomObjectsApi),
    stop: () => cluster.stop(),
  };
}

/** The Status object of a failed client-node call (ApiException), parsed. */
export async function statusOf(
  p: Promise<unknown>,
): Promise<{ code: number; reason?: string; message?: string; details?: Record<string, unknown> }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof k8s.ApiException) {
      const body = typeof e.body === 'string' ? JSON.parse(e.body) : e.body;
      return { code: e.code, ...(body as object) };
    }
    throw e;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

export function waitFor<T>(
  fn: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 5000,
  what = 'condition',
): Promise<T> {
  return eventually(what, fn, Boolean, { timeoutMs, intervalMs: 10 }) as Promise<T>;
}

export const merge = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);
export const jsonPatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch);
export const strategic = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch);

export function podBody(name: string, image = 'docker.io/library/nginx:1.27', labels: Record<string, string> = {}): k8s.V1Pod {
  return { metadata: { name, labels }, spec: { containers: [{ name: 'app', image }] } };
}

export function deploymentBody(name: string, replicas: number, image = 'docker.io/library/nginx:1.27'): k8s.V1Deployment {
  return {
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image }] } },
    },
  };
}

export function sidecarSetBody(name: string, image = 'docker.io/library/busybox:1.36'): Record<string, unknown> {
  return {
    apiVersion: 'apps.kruise.io/v1beta1',
    kind: 'SidecarSet',
    metadata: { name },
    spec: {
      selector: { matchLabels: { app: name } },
      updateStrategy: { type: 'RollingUpdate', maxUnavailable: 1 },
      containers: [{ name: 'sidecar', image, command: ['sleep', '999d'] }],
    },
  };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json<T = Record<string, unknown>>(): T;
}

/** A plain HTTPS request to the cluster (trusting its CA), for what client-node hides. */
export function raw(
  cluster: { url: string; caPem: string },
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<RawResponse> {
  const u = new URL(cluster.url + path);
  const body = opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        hostname: u.hostname,
        port: u.port,
        path: u.pathname + u.search,
        method,
        ca: cluster.caPem,
        headers: {
          ...(opts.token ? { Authorization: `Bearer ${opts.token}` } : {}),
          ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
          ...opts.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: <T>() => JSON.parse(text) as T });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}
