/**
 * Helpers for the Kruise scenario tests: a built-in cluster with short delays, reached over HTTPS
 * with @kubernetes/client-node exactly as a user would, and polling of what the server returns.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ApiException, AppsV1Api, CoreV1Api, CustomObjectsApi, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { ControllerRevision, Pod, SidecarSet } from '@/lib/fleet/k8s-types';
import { type Cluster, startCluster } from '@/lib/sim/index';
import { present } from '@/lib/test-support/poll';

export interface KruiseCluster {
  cluster: Cluster;
  kubeconfigPath: string;
  custom: CustomObjectsApi;
  core: CoreV1Api;
  apps: AppsV1Api;
  stop(): Promise<void>;
}

/** A built-in cluster with fast kubelet and Kruise delays (Kruise's 5 s and 1 s become 100 ms). */
export async function startKruiseCluster(fleet = 'empty'): Promise<KruiseCluster> {
  process.env.SIM_KRUISE_CONSISTENT_DELAY_MS ??= '100';
  process.env.SIM_KRUISE_REQUEUE_DELAY_MS ??= '100';
  process.env.SIM_KRUISE_SEED ??= '7';
  const dir = mkdtempSync(path.join(tmpdir(), 'kruise-scenario-'));
  const kubeconfigPath = path.join(dir, 'kubeconfig');
  const cluster = await startCluster({ fleet, kubeconfigPath, kubeletDelayMs: 20 });
  const kc = new KubeConfig();
  kc.loadFromString(cluster.kubeconfig);
  writeFileSync(kubeconfigPath, cluster.kubeconfig);
  return {
    cluster,
    kubeconfigPath,
    custom: kc.makeApiClient(CustomObjectsApi),
    core: kc.makeApiClient(CoreV1Api),
    apps: kc.makeApiClient(AppsV1Api),
    async stop() {
      await cluster.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const SS = { group: 'apps.kruise.io', plural: 'sidecarsets' };

export async function getSidecarSet(k: KruiseCluster, name: string, version = 'v1beta1'): Promise<SidecarSet> {
  return (await k.custom.getClusterCustomObject({ ...SS, version, name })) as SidecarSet;
}

export async function listSidecarSets(k: KruiseCluster, version: string): Promise<SidecarSet[]> {
  const list = (await k.custom.listClusterCustomObject({ ...SS, version })) as { items: SidecarSet[] };
  return list.items;
}

export async function createSidecarSet(
  k: KruiseCluster,
  name: string,
  spec: Record<string, unknown>,
  meta: Record<string, unknown> = {},
  version = 'v1beta1',
) {
  return (await k.custom.createClusterCustomObject({
    ...SS,
    version,
    body: { apiVersion: `apps.kruise.io/${version}`, kind: 'SidecarSet', metadata: { name, ...meta }, spec },
  })) as SidecarSet;
}

/** RFC 6902 JSON patch (the content type client-node sends by default for patches). */
export async function jsonPatch(k: KruiseCluster, name: string, ops: unknown[]): Promise<SidecarSet> {
  return (await k.custom.patchClusterCustomObject(
    { ...SS, version: 'v1beta1', name, body: ops },
    setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
  )) as SidecarSet;
}

export async function mergePatch(k: KruiseCluster, name: string, body: unknown): Promise<SidecarSet> {
  return (await k.custom.patchClusterCustomObject(
    { ...SS, version: 'v1beta1', name, body },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  )) as SidecarSet;
}

/** The status code and message of a failed call. */
export async function failure(p: Promise<unknown>): Promise<{ code: number; message: string; reason?: string }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiException) {
      const body = typeof e.body === 'string' ? JSON.parse(e.body) : e.body;
      return { code: e.code, message: body?.message ?? '', reason: body?.reason };
    }
    throw e;
  }
  throw new Error('the call succeeded');
}

export async function ensureNamespace(k: KruiseCluster, name: string, labels: Record<string, string> = {}): Promise<void> {
  try {
    await k.core.createNamespace({ body: { metadata: { name, labels } } });
  } catch (e) {
    if (!(e instanceof ApiException && e.code === 409)) throw e;
  }
}

export async function createDeployment(
  k: KruiseCluster,
  namespace: string,
  name: string,
  replicas: number,
  labels: Record<string, string>,
  containers: Array<Record<string, unknown>> = [{ name: 'app', image: 'docker.io/library/nginx:1.27' }],
): Promise<void> {
  await ensureNamespace(k, namespace);
  await k.apps.createNamespacedDeployment({
    namespace,
    body: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace },
      spec: {
        replicas,
        selector: { matchLabels: { 'app.kubernetes.io/name': name } },
        template: { metadata: { labels: { 'app.kubernetes.io/name': name, ...labels } }, spec: { containers: containers as never } },
      },
    },
  });
}

export async function scaleDeployment(k: KruiseCluster, namespace: string, name: string, replicas: number): Promise<void> {
  await k.apps.patchNamespacedDeployment(
    { namespace, name, body: { spec: { replicas } } },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
}

export async function listPods(k: KruiseCluster, namespace: string, labelSelector: string): Promise<Pod[]> {
  const list = await k.core.listNamespacedPod({ namespace, labelSelector });
  // Plain JSON, as the server sent it (client-node returns class instances with Dates).
  return (JSON.parse(JSON.stringify(list.items)) as Pod[]).sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
}

export async function listRevisions(k: KruiseCluster, sidecarSet: string): Promise<ControllerRevision[]> {
  const list = await k.apps.listNamespacedControllerRevision({
    namespace: 'kruise-system',
    labelSelector: `kruise.io/sidecarset-name=${sidecarSet}`,
  });
  return (JSON.parse(JSON.stringify(list.items)) as ControllerRevision[]).sort((a, b) => a.revision - b.revision);
}

export async function listEvents(k: KruiseCluster, namespace: string, involvedName: string) {
  const list = await k.core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.name=${involvedName}` });
  return list.items;
}

/** Polls until `check` returns a value (not undefined/false), or fails with the last value seen. */
export function waitFor<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  return present(what, check, { timeoutMs, intervalMs: 40 });
}

/** Waits until the SidecarSet status equals `want` (subset) for the current generation. */
export async function waitForStatus(
  k: KruiseCluster,
  name: string,
  want: Partial<NonNullable<SidecarSet['status']>>,
  timeoutMs = 15_000,
): Promise<SidecarSet> {
  let seen: unknown;
  try {
    return await waitFor(
      `${name} status ${JSON.stringify(want)}`,
      async () => {
        const ss = await getSidecarSet(k, name);
        seen = ss.status;
        if (ss.status?.observedGeneration !== ss.metadata.generation) return undefined;
        const st = ss.status as unknown as Record<string, unknown>;
        return Object.entries(want).every(([key, v]) => st[key] === v) ? ss : undefined;
      },
      timeoutMs,
    );
  } catch (e) {
    throw new Error(`${(e as Error).message}; status was ${JSON.stringify(seen)}`);
  }
}

/** Waits until every pod matching the selector is Running and Ready. */
export async function waitForRunning(k: KruiseCluster, namespace: string, labelSelector: string, count: number): Promise<Pod[]> {
  return waitFor(`${count} ready pods ${labelSelector}`, async () => {
    const pods = await listPods(k, namespace, labelSelector);
    const ok = pods.filter(
      (p) => p.status?.phase === 'Running' && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
    );
    return ok.length === count && pods.length === count ? pods : undefined;
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function containerImage(p: Pod, name: string): string | undefined {
  return p.spec.containers.find((c) => c.name === name)?.image;
}

export function annotationJson(p: Pod, key: string): Record<string, Record<string, unknown>> {
  return JSON.parse(p.metadata.annotations?.[key] ?? '{}');
}

export async function kubectl(k: KruiseCluster, ...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)('kubectl', ['--kubeconfig', k.kubeconfigPath, ...args], { timeout: 30_000 });
  return stdout;
}
