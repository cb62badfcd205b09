/**
 * Fleets: what the built-in cluster holds at start.
 * - `empty`: the system namespaces and 3 nodes.
 * - `demo`: the catalogue in demo.ts with the demo SidecarSets (created first, so pods are
 *   injected), driven into its rollout states. `demo-prod`: the same, with istio-proxy on an
 *   older version (DEMO_VARIANTS), for a second cluster that drifts from the first.
 * - `scale:N`: N pods over many Deployments and namespaces for the benchmark, created already
 *   Running (the kubelet's delays are skipped for the initial set).
 */
import type { Pod } from '@/lib/fleet/k8s-types';
import type { MemStore } from '../apiserver/store';
import { applyBuiltinDefaults } from '../apiserver/builtin';
import { clone, randomSuffix } from '../apiserver/util';
import { type KubeletController, nodeObject } from '../controllers/kubelet';
import { replicaSetFor } from '../controllers/deployment-controller';
import { podFromTemplate, templateHash } from '../controllers/workload-support';
import type { KObject, UserInfo } from '../types';
import { DEMO_NAMESPACES, DEMO_NODES, DEMO_WORKLOADS, demoObject, expectedDemoPods } from './demo';
import { applyDemoRolloutStates, DEMO_VARIANTS, type DemoFleetName, type DemoVariant, demoSidecarSets } from './demo-sidecarsets';

export interface SeedOptions {
  /** Number of nodes (default: 3 empty, 8 demo, one per 250 pods for scale). */
  nodes?: number;
  kubelet: KubeletController;
  log: (line: string) => void;
  /** Kubelet delay used while the demo is being set up (default 25 ms), restored afterwards. */
  seedKubeletDelayMs?: number;
  /** False when the cluster runs without the Kruise emulation (the scale fleet then has no SidecarSets). */
  kruise?: boolean;
}

const ADMIN: UserInfo = { name: 'admin', groups: ['system:masters', 'system:authenticated'] };

export type ParsedFleet = { kind: 'empty' } | { kind: 'demo'; name: DemoFleetName; variant: DemoVariant } | { kind: 'scale'; pods: number };

export function parseFleet(fleet: string): ParsedFleet {
  if (fleet === 'empty') return { kind: fleet };
  if (Object.hasOwn(DEMO_VARIANTS, fleet)) {
    const name = fleet as DemoFleetName;
    return { kind: 'demo', name, variant: DEMO_VARIANTS[name] };
  }
  const m = /^scale:(\d+)$/.exec(fleet);
  if (m) return { kind: 'scale', pods: Number(m[1]) };
  throw new Error(`unknown fleet "${fleet}": use empty, ${Object.keys(DEMO_VARIANTS).join(', ')} or scale:N`);
}

function createNodes(store: MemStore, n: number): void {
  for (let i = 0; i < n; i++) {
    if (!store.get('nodes', undefined, nodeObject(i).metadata.name)) store.create('nodes', nodeObject(i), { keepStatus: true });
  }
}

function createNamespace(store: MemStore, name: string, labels: Record<string, string>): void {
  if (store.get('namespaces', undefined, name)) return;
  store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } }, { user: ADMIN });
}

export async function seedFleet(store: MemStore, fleet: string, opts: SeedOptions): Promise<void> {
  const f = parseFleet(fleet);
  if (f.kind === 'empty') {
    createNodes(store, opts.nodes ?? 3);
    return;
  }
  if (f.kind === 'scale') {
    seedScale(store, f.pods, opts);
    return;
  }
  await seedDemo(store, f.variant, opts);
}

// ---- demo -----------------------------------------------------------------------------------

async function seedDemo(store: MemStore, variant: DemoVariant, opts: SeedOptions): Promise<void> {
  const t0 = Date.now();
  const nodes = opts.nodes ?? DEMO_NODES;
  createNodes(store, nodes);
  for (const ns of DEMO_NAMESPACES) createNamespace(store, ns.name, ns.labels);
  for (const ss of demoSidecarSets(variant)) store.create('apps.kruise.io/sidecarsets', ss, { user: ADMIN });

  // Fast-forward the kubelet while setting up; the configured delays apply afterwards.
  const kubeletDelay = opts.kubelet.opts.baseDelayMs;
  opts.kubelet.opts.baseDelayMs = Math.min(kubeletDelay, opts.seedKubeletDelayMs ?? 25);
  try {
    for (const w of DEMO_WORKLOADS) {
      const { resource, object } = demoObject(w);
      store.create(resource, object, { user: ADMIN });
    }
    const expected = expectedDemoPods(nodes);
    await waitFor(
      () => {
        const pods = store.list('pods');
        return pods.length >= expected && pods.every((p) => (p.status as Pod['status'])?.phase === 'Running');
      },
      60_000,
      `the demo's ${expected} pods to run`,
    );
    opts.log(`[sim] demo workloads running: ${store.count('pods')} pods in ${Date.now() - t0} ms`);
    await applyDemoRolloutStates(store, { log: opts.log, variant } as never);
  } finally {
    opts.kubelet.opts.baseDelayMs = kubeletDelay;
  }
  opts.log(`[sim] demo fleet ready in ${Date.now() - t0} ms`);
}

async function waitFor(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

// ---- scale ----------------------------------------------------------------------------------

/** Pods per Deployment in a scale fleet, and Deployments per namespace. */
const SCALE_POD_PER_DEPLOYMENT = 40;
const SCALE_DEPLOYMENTS_PER_NAMESPACE = 10;
/** SidecarSets in a scale fleet; each Deployment opts into two of them. */
export const SCALE_SIDECARSETS = 50;

function scaleAgent(k: number): { name: string; label: string } {
  const id = String(k).padStart(2, '0');
  return { name: `bench-agent-${id}`, label: `bench.sidecarfleet.io/agent-${id}` };
}

/** One of the scale fleet's SidecarSets (the built-in cluster seeds it; the real one creates it through the API). */
export function scaleSidecarSet(k: number): KObject {
  const { name, label } = scaleAgent(k);
  return {
    apiVersion: 'apps.kruise.io/v1beta1',
    kind: 'SidecarSet',
    metadata: { name },
    spec: {
      selector: { matchLabels: { [label]: 'true' } },
      updateStrategy: { type: 'RollingUpdate', maxUnavailable: '10%' },
      containers: [
        {
          name: `agent-${String(k).padStart(2, '0')}`,
          image: `ghcr.io/acme/bench-agent:1.${k % 5}.0`,
          resources: { requests: { cpu: '10m', memory: '16Mi' } },
        },
      ],
    },
  };
}

/** A Deployment of the scale fleet: where it lives, its pods' labels (which SidecarSets they opt into) and template. */
export interface ScaleWorkload {
  i: number;
  namespace: string;
  name: string;
  replicas: number;
  labels: Record<string, string>;
  template: { metadata: { labels: Record<string, string> }; spec: { containers: Array<Record<string, unknown>> } };
}

/** The scale fleet's Deployments for `total` pods: 40 pods each, 10 per namespace, each opting into two SidecarSets. */
export function* scaleWorkloads(total: number): Generator<ScaleWorkload> {
  const labelsFor = (i: number): Record<string, string> => {
    const l: Record<string, string> = {};
    // Give the benchmark fleet the demo's opt-in vocabulary on a spread of workloads.
    if (i % 3 === 0) l['sidecar.istio.io/inject'] = 'true';
    if (i % 4 === 1) l.logging = 'enabled';
    if (i % 5 === 2) l['dapr.io/enabled'] = 'true';
    l[scaleAgent(i % SCALE_SIDECARSETS).label] = 'true';
    l[scaleAgent((i + 17) % SCALE_SIDECARSETS).label] = 'true';
    return l;
  };
  const deployments = Math.ceil(total / SCALE_POD_PER_DEPLOYMENT);
  let made = 0;
  for (let i = 0; i < deployments; i++) {
    const namespace = `scale-${String(Math.floor(i / SCALE_DEPLOYMENTS_PER_NAMESPACE)).padStart(3, '0')}`;
    const replicas = Math.min(SCALE_POD_PER_DEPLOYMENT, total - made);
    const name = `svc-${String(i).padStart(4, '0')}`;
    const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': namespace, ...labelsFor(i) };
    const image = `ghcr.io/acme/${name}:1.0.${i % 7}`;
    const template = {
      metadata: { labels },
      spec: {
        containers: [{ name: 'app', image, ports: [{ containerPort: 8080 }], resources: { requests: { cpu: '50m', memory: '64Mi' } } }],
      },
    };
    made += replicas;
    yield { i, namespace, name, replicas, labels, template };
  }
}

function seedScale(store: MemStore, total: number, opts: SeedOptions): void {
  const t0 = Date.now();
  createNodes(store, opts.nodes ?? Math.max(3, Math.ceil(total / 250)));
  const deployments = Math.ceil(total / SCALE_POD_PER_DEPLOYMENT);
  // SidecarSets first, so every pod is injected at creation like on a real cluster.
  if (opts.kruise !== false) {
    for (let k = 0; k < SCALE_SIDECARSETS; k++) store.create('apps.kruise.io/sidecarsets', scaleSidecarSet(k), { user: ADMIN });
  }
  let made = 0;
  const ts = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  for (const { namespace: ns, name, replicas, template } of scaleWorkloads(total)) {
    createNamespace(store, ns, { team: ns, environment: 'bench' });
    // The name the workload controller will find (so it has nothing to change): the hash is of
    // the template as stored, that is after the API server's defaulting.
    const defaulted = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name }, spec: { template: clone(template) } } as KObject;
    applyBuiltinDefaults('apps/deployments', defaulted, 'CREATE');
    const rsName = `${name}-${templateHash((defaulted.spec as { template: unknown }).template)}`;
    const dep: KObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name,
        namespace: ns,
        labels: { 'app.kubernetes.io/name': name },
        annotations: { 'deployment.kubernetes.io/revision': '1' },
      },
      spec: {
        replicas,
        selector: { matchLabels: { 'app.kubernetes.io/name': name } },
        template,
      },
      status: {
        observedGeneration: 1,
        replicas,
        updatedReplicas: replicas,
        readyReplicas: replicas,
        availableReplicas: replicas,
        conditions: [
          {
            type: 'Available',
            status: 'True',
            reason: 'MinimumReplicasAvailable',
            message: 'Deployment has minimum availability.',
            lastUpdateTime: ts,
            lastTransitionTime: ts,
          },
          {
            type: 'Progressing',
            status: 'True',
            reason: 'NewReplicaSetAvailable',
            message: `ReplicaSet "${rsName}" has successfully progressed.`,
            lastUpdateTime: ts,
            lastTransitionTime: ts,
          },
        ],
      },
    };
    const d = store.create('apps/deployments', dep, { user: ADMIN, keepStatus: true });
    const rsObj = replicaSetFor(d, replicas, 1);
    rsObj.status = {
      replicas,
      fullyLabeledReplicas: replicas,
      readyReplicas: replicas,
      availableReplicas: replicas,
      observedGeneration: 1,
    };
    const rs = store.create('apps/replicasets', rsObj, { user: ADMIN, keepStatus: true });
    const tpl = (rs.spec as { template: Record<string, unknown> }).template;
    const taken = new Set<string>();
    for (let p = 0; p < replicas; p++) {
      // Five random letters, as the ReplicaSet controller's generateName: at 150,000 pods two of a
      // ReplicaSet's pods draw the same name now and then, and the controller tries another.
      let podName: string;
      do podName = `${rs.metadata.name}-${randomSuffix()}`;
      while (taken.has(podName));
      taken.add(podName);
      const template = podFromTemplate(rs, tpl, { name: podName }, {});
      // Admission (sidecar injection) once, as a dry run, so the Running status covers the
      // injected containers too; then stored as is.
      const pod = clone(store.create('pods', template, { user: ADMIN, dryRun: true })) as unknown as Pod;
      (pod as unknown as KObject).status = opts.kubelet.instantStatus(pod);
      store.create('pods', pod as unknown as KObject, { user: ADMIN, keepStatus: true, owned: true, skipAdmission: true });
    }
    made += replicas;
  }
  opts.log(
    `[sim] scale fleet: ${made} pods in ${deployments} deployments over ${Math.ceil(deployments / SCALE_DEPLOYMENTS_PER_NAMESPACE)} namespaces in ${Date.now() - t0} ms`,
  );
}
