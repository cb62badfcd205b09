/**
 * Loads a fleet onto the real control plane through its API, from the same catalogue as the
 * built-in cluster (lib/sim/fleets): namespaces, then the demo SidecarSets (so pods are injected at
 * creation), then the workloads; once the pods run, the demo's rollout states are driven by the same
 * goals the built-in cluster uses (`applyDemoRolloutStates`).
 *
 * Those goals read and write a synchronous store. Here that store is a snapshot of the API server,
 * refreshed between their polls, whose writes are sent to the API server as updates guarded by
 * resourceVersion (and retried on conflict, as client-go's RetryOnConflict does).
 */
import { DEMO_NAMESPACES, DEMO_WORKLOADS, demoObject, expectedDemoPods } from '@/lib/sim/fleets/demo';
import { SCALE_SIDECARSETS, scaleSidecarSet, scaleWorkloads } from '@/lib/sim/fleets/index';
import { applyDemoRolloutStates, demoSidecarSets } from '@/lib/sim/fleets/demo-sidecarsets';
import type { KObject, Store } from '@/lib/sim/types';
import { type ApiClient, ApiError, inParallel } from './api-client';

/** The REST collection of a built-in cluster resource id ('apps/deployments' → /apis/apps/v1/...). */
function collection(resource: string, namespace?: string): string {
  const [group, plural] = resource.includes('/') ? (resource.split('/') as [string, string]) : ['', resource];
  const version = group === '' ? 'v1' : group === 'apps.kruise.io' ? 'v1beta1' : 'v1';
  const base = group === '' ? '/api/v1' : `/apis/${group}/${version}`;
  return namespace ? `${base}/namespaces/${namespace}/${plural}` : `${base}/${plural}`;
}

interface PendingWrite {
  resource: string;
  namespace?: string;
  name: string;
  // biome-ignore lint/suspicious/noConfusingVoidType: the function edits the object in place or returns a new one
  fn: (o: KObject) => KObject | void;
}

/** A synchronous view of the API server for the demo goals; see the file comment. */
class SnapshotStore {
  private objects = new Map<string, KObject[]>();
  private pending: PendingWrite[] = [];

  constructor(private readonly api: ApiClient) {}

  async refresh(resources: string[]): Promise<void> {
    for (const r of resources) {
      const list = await this.api.get(collection(r));
      this.objects.set(r, list.items as KObject[]);
    }
    // Writes asked for while the lists were on their way are not in them yet: apply them again.
    for (const w of this.pending) this.applyLocally(w);
  }

  async flush(): Promise<void> {
    const writes = this.pending.splice(0);
    for (const w of writes) {
      const path = `${collection(w.resource, w.namespace)}/${w.name}`;
      for (let attempt = 0; ; attempt++) {
        const copy = (await this.api.get(path)) as unknown as KObject;
        const next = w.fn(copy) ?? copy;
        try {
          await this.api.replace(path, next);
          break;
        } catch (e) {
          if (!(e instanceof ApiError && e.status === 409) || attempt >= 10) throw e;
        }
      }
    }
  }

  get(resource: string, namespace: string | undefined, name: string): KObject | undefined {
    return this.objects
      .get(resource)
      ?.find((o) => o.metadata.name === name && (namespace === undefined || o.metadata.namespace === namespace));
  }

  list(resource: string): KObject[] {
    return this.objects.get(resource) ?? [];
  }

  // biome-ignore lint/suspicious/noConfusingVoidType: as in PendingWrite.fn
  mutate(resource: string, namespace: string | undefined, name: string, fn: (o: KObject) => KObject | void): KObject {
    const w = { resource, namespace, name, fn };
    this.pending.push(w);
    return this.applyLocally(w);
  }

  private applyLocally(w: PendingWrite): KObject {
    const cur = this.get(w.resource, w.namespace, w.name);
    if (!cur) throw new Error(`${w.resource} ${w.name} not found`);
    const specBefore = JSON.stringify(cur.spec);
    const next = w.fn(cur) ?? cur;
    // As the API server will: a spec change bumps the generation, so until the next refresh the
    // goals see a status that has not observed it yet rather than a stale one that looks settled.
    if (JSON.stringify(next.spec) !== specBefore) next.metadata.generation = (next.metadata.generation ?? 0) + 1;
    return next;
  }

  asStore(): Store {
    const unsupported = () => {
      throw new Error('not supported on the real cluster snapshot');
    };
    return {
      get: (r, ns, n) => this.get(r, ns, n),
      list: (r) => this.list(r),
      mutate: (r, ns, n, fn) => this.mutate(r, ns, n, fn),
      create: unsupported,
      update: unsupported,
      delete: unsupported,
      subscribe: () => () => {},
    };
  }
}

async function waitForPods(api: ApiClient, expected: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const list = await api.get('/api/v1/pods');
    const pods = list.items as Array<{ status?: { phase?: string } }>;
    if (pods.filter((p) => p.status?.phase === 'Running').length >= expected) return;
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting for ${expected} running demo pods (running: ${pods.filter((p) => p.status?.phase === 'Running').length} of ${pods.length})`,
      );
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function waitForSidecarSetStatus(api: ApiClient, names: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const list = await api.get(collection('apps.kruise.io/sidecarsets'));
    const items = list.items as Array<{ metadata: { name: string; generation?: number }; status?: { observedGeneration?: number } }>;
    const seen = items.filter((s) => names.includes(s.metadata.name) && s.status?.observedGeneration === s.metadata.generation);
    if (seen.length === names.length) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for Kruise to observe the SidecarSets ${names.join(', ')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * The benchmark's fleet (`scale:N`, lib/sim/fleets): the same SidecarSets and Deployments as the
 * built-in cluster's, created through the API; the controller-manager makes the pods, the scheduler
 * binds them to KWOK's nodes, Kruise's webhook injects them and KWOK runs them. Ready when every
 * Deployment reports all its replicas ready (summed from the Deployments: listing 150,000 pods to
 * count them would be the load we measure).
 */
async function loadScaleFleet(api: ApiClient, pods: number, log: (line: string) => void): Promise<void> {
  const t0 = Date.now();
  const sidecarSets = Array.from({ length: SCALE_SIDECARSETS }, (_, k) => scaleSidecarSet(k));
  for (const ss of sidecarSets) await api.createIfAbsent(collection('apps.kruise.io/sidecarsets'), ss);
  await waitForSidecarSetStatus(
    api,
    sidecarSets.map((s) => s.metadata.name),
    60_000,
  );
  const workloads = [...scaleWorkloads(pods)];
  for (const ns of new Set(workloads.map((w) => w.namespace))) await api.ensureNamespace(ns, { team: ns, environment: 'bench' });
  await inParallel(workloads.length, 8, (i) => {
    const w = workloads[i] as (typeof workloads)[number];
    return api.createIfAbsent(collection('apps/deployments', w.namespace), {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: w.name, namespace: w.namespace, labels: { 'app.kubernetes.io/name': w.name } },
      spec: { replicas: w.replicas, selector: { matchLabels: { 'app.kubernetes.io/name': w.name } }, template: w.template },
    } as KObject);
  });
  log(
    `[real] scale fleet: ${workloads.length} Deployments created in ${((Date.now() - t0) / 1000).toFixed(1)} s; waiting for ${pods} ready pods`,
  );
  // On 2 cores the control plane made 10-33 ready pods a second: allow 7 per second.
  const deadline = Date.now() + 120_000 + pods * 150;
  let last = -1;
  for (;;) {
    const list = await api.get('/apis/apps/v1/deployments');
    const ready = (list.items as Array<{ status?: { readyReplicas?: number } }>).reduce((n, d) => n + (d.status?.readyReplicas ?? 0), 0);
    if (ready >= pods) break;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${pods} ready scale pods (ready: ${ready})`);
    if (ready !== last && Math.floor(ready / 10_000) !== Math.floor(last / 10_000))
      log(`[real] scale fleet: ${ready} of ${pods} pods ready`);
    last = ready;
    await new Promise((r) => setTimeout(r, 2_000));
  }
  log(`[real] scale fleet: ${pods} pods ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

export async function loadFleetOverApi(api: ApiClient, fleet: string, opts: { log: (line: string) => void; nodes: number }): Promise<void> {
  const scale = /^scale:(\d+)$/.exec(fleet);
  if (scale) return loadScaleFleet(api, Number(scale[1]), opts.log);
  if (fleet !== 'demo') throw new Error(`the real cluster loads the fleets "empty", "demo" and "scale:N", not "${fleet}"`);
  const t0 = Date.now();
  for (const ns of DEMO_NAMESPACES) await api.ensureNamespace(ns.name, ns.labels);
  for (const ss of demoSidecarSets()) await api.createIfAbsent(collection('apps.kruise.io/sidecarsets'), ss);
  // Kruise's pod webhook injects from its informer cache: a pod created before the cache holds a
  // SidecarSet is not injected. A status written by the controller (same cache) shows it is there.
  await waitForSidecarSetStatus(
    api,
    demoSidecarSets().map((s) => s.metadata.name),
    60_000,
  );
  for (const w of DEMO_WORKLOADS) {
    const { resource, object } = demoObject(w);
    await api.createIfAbsent(collection(resource, object.metadata.namespace), object);
  }
  const expected = expectedDemoPods(opts.nodes);
  await waitForPods(api, expected, 180_000);
  opts.log(`[real] demo workloads running: ${expected} pods in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  const snapshot = new SnapshotStore(api);
  const resources = ['apps.kruise.io/sidecarsets', 'pods', 'namespaces'];
  await snapshot.refresh(resources);
  let done = false;
  let syncError: unknown;
  const sync = (async () => {
    while (!done) {
      try {
        await snapshot.flush();
        await snapshot.refresh(resources);
      } catch (e) {
        syncError ??= e;
        opts.log(`[real] demo rollout: ${(e as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, 300));
    }
  })();
  try {
    await applyDemoRolloutStates(snapshot.asStore(), { log: opts.log, pollMs: 300, timeoutMs: 300_000 });
  } finally {
    done = true;
    await sync;
    await snapshot.flush();
  }
  if (syncError) throw syncError;
  opts.log(`[real] demo fleet ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
