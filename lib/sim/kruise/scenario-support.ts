/**
 * Helpers for the Kruise scenario tests, reached over HTTPS with @kubernetes/client-node exactly as
 * a user would, and polling of what the server returns.
 *
 * A scenario runs on the built-in cluster (fast kubelet and Kruise delays: Kruise's 5 s and 1 s
 * become 100 ms). With SIDECAR_FLEET_TEST_CLUSTER=real it runs first on the real control plane
 * (real kruise-manager, the oracle) and then on the built-in cluster, with the same steps and
 * assertions on both; what each run observed (`observe`, and every refusal seen by `failure`) is
 * then compared, and a difference fails the test unless real-kruise-allow-list.ts explains it.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ApiException, AppsV1Api, CoreV1Api, CustomObjectsApi, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, it } from 'vitest';
import type { ControllerRevision, Pod, SidecarSet } from '@/lib/fleet/k8s-types';
import { type ClusterHandle, type ClusterKind, startClusterOf, TEST_CLUSTER } from '@/lib/test-support/clusters';
import { describeDifferences, Observations, unexplained } from '@/lib/test-support/comparison';
import { present } from '@/lib/test-support/poll';
import { observePods, observeRevisions, observeSidecarSet } from './observations';
import { REAL_KRUISE_ALLOW_LIST } from './real-kruise-allow-list';

export interface KruiseCluster {
  kind: ClusterKind;
  handle: ClusterHandle;
  kubeconfigPath: string;
  custom: CustomObjectsApi;
  core: CoreV1Api;
  apps: AppsV1Api;
  /** What this run saw, for the comparison with the other cluster. */
  observations: Observations;
  stop(): Promise<void>;
}

/**
 * Waits allow this much longer when real Kruise takes part: it keeps its own delays (seconds where
 * the built-in cluster's tests use 100 ms).
 */
export const WAIT_SCALE = TEST_CLUSTER === 'real' ? 6 : 1;

/** A cluster of the given kind with Kruise, fast kubelet steps and (built-in) fast Kruise delays. */
export async function startKruiseCluster(fleet = 'empty', kind: ClusterKind = 'builtin'): Promise<KruiseCluster> {
  process.env.SIM_KRUISE_CONSISTENT_DELAY_MS ??= '100';
  process.env.SIM_KRUISE_REQUEUE_DELAY_MS ??= '100';
  process.env.SIM_KRUISE_SEED ??= '7';
  const handle = await startClusterOf(kind, { fleet });
  const kc = new KubeConfig();
  kc.loadFromString(handle.kubeconfig);
  return {
    kind,
    handle,
    kubeconfigPath: handle.kubeconfigPath,
    custom: kc.makeApiClient(CustomObjectsApi),
    core: kc.makeApiClient(CoreV1Api),
    apps: kc.makeApiClient(AppsV1Api),
    observations: new Observations(),
    stop: () => handle.stop(),
  };
}

/** Records what a run saw at a step, for the comparison with real Kruise. */
export function observe(k: KruiseCluster, label: string, value: unknown): void {
  k.observations.record(label, value);
}

/** Records the Kruise-decided parts of pods (see observations.ts), as a multiset. */
export function observeThePods(k: KruiseCluster, label: string, pods: Pod[]): void {
  observe(k, label, { pods: observePods(pods) });
}

/** Records a SidecarSet as read now (spec after the webhook's defaults, annotations, status). */
export async function observeTheSidecarSet(k: KruiseCluster, label: string, name: string, version = 'v1beta1'): Promise<SidecarSet> {
  const ss = await getSidecarSet(k, name, version);
  observe(k, label, { sidecarSet: observeSidecarSet(ss) });
  return ss;
}

/** Records the ControllerRevisions of a SidecarSet. */
export async function observeTheRevisions(k: KruiseCluster, label: string, sidecarSet: string): Promise<ControllerRevision[]> {
  const revs = await listRevisions(k, sidecarSet);
  observe(k, label, { revisions: observeRevisions(revs) });
  return revs;
}

/**
 * Registers the clusters of a test file (the built-in one; the real one too under
 * SIDECAR_FLEET_TEST_CLUSTER=real) and returns `scenario`, which declares a test that runs its body
 * on each, real first, and compares what they observed.
 */
export function kruiseScenarios(opts: { fleet?: string; setUp?: (k: KruiseCluster) => Promise<void> } = {}) {
  const kinds: ClusterKind[] = TEST_CLUSTER === 'real' ? ['real', 'builtin'] : ['builtin'];
  const clusters: KruiseCluster[] = [];
  beforeAll(async () => {
    for (const kind of kinds) {
      const k = await startKruiseCluster(opts.fleet, kind);
      clusters.push(k);
      await opts.setUp?.(k);
    }
  }, 300_000);
  afterAll(async () => {
    await Promise.all(clusters.map((c) => c.stop()));
  });
  return function scenario(name: string, body: (k: KruiseCluster) => Promise<void>, timeoutMs = 30_000): void {
    it(
      name,
      async () => {
        for (const k of clusters) {
          k.observations = new Observations();
          try {
            await body(k);
          } catch (e) {
            if (e instanceof Error && clusters.length > 1)
              e.message = `[${k.kind === 'real' ? 'real Kruise' : 'built-in cluster'}] ${e.message}`;
            throw e;
          }
        }
        const [real, builtin] = clusters;
        if (real && builtin) {
          const diffs = unexplained(real.observations, builtin.observations, REAL_KRUISE_ALLOW_LIST);
          if (diffs.length > 0) throw new Error(describeDifferences(diffs));
        }
      },
      timeoutMs * kinds.reduce((n, kind) => n + (kind === 'real' ? WAIT_SCALE : 1), 0),
    );
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

/**
 * Creates a SidecarSet and waits until Kruise's controller has observed it. Kruise's pod webhook
 * injects from the same informer cache, so only then is a pod created next sure to be injected
 * (pkg/webhook/pod/mutating/sidecarset.go lists SidecarSets from the manager's cache).
 */
export async function createSidecarSet(
  k: KruiseCluster,
  name: string,
  spec: Record<string, unknown>,
  meta: Record<string, unknown> = {},
  version = 'v1beta1',
): Promise<SidecarSet> {
  const created = (await k.custom.createClusterCustomObject({
    ...SS,
    version,
    body: { apiVersion: `apps.kruise.io/${version}`, kind: 'SidecarSet', metadata: { name, ...meta }, spec },
  })) as SidecarSet;
  await waitFor(`Kruise to observe SidecarSet ${name}`, async () => {
    const ss = await getSidecarSet(k, name);
    return ss.status?.observedGeneration === ss.metadata.generation;
  });
  return created;
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

/** The status code and message of a failed call (recorded as an observation of `k`). */
export async function failure(k: KruiseCluster, p: Promise<unknown>): Promise<{ code: number; message: string; reason?: string }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiException) {
      const body = typeof e.body === 'string' ? JSON.parse(e.body) : e.body;
      const refusal = { code: e.code, message: body?.message ?? '', reason: body?.reason };
      observe(k, 'refusal', refusal);
      return refusal;
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
  return present(what, check, { timeoutMs: timeoutMs * WAIT_SCALE, intervalMs: 40 });
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
        // Kruise leaves out a count of 0 where its Go field has omitempty (updatedReadyPods).
        return Object.entries(want).every(([key, v]) => (st[key] ?? (typeof v === 'number' ? 0 : undefined)) === v) ? ss : undefined;
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
