/**
 * The demo fleet's SidecarSets, and a rollout state for each of them to show.
 * `demoSidecarSets()` runs before any workload exists, so their pods get
 * injected at creation; `applyDemoRolloutStates()` then drives each SidecarSet through the API
 * (as an admin would) and waits, by polling the store, until every state is reached:
 *
 * - istio-proxy      1.23.2 → 1.23.3, fully rolled out (the `demo-prod` variant: 1.22.5 → 1.22.6,
 *                    so two built-in clusters differ in their istio-proxy version on purpose);
 * - fluent-bit       3.1.8 → 3.1.9, a canary held by `partition: 80%`;
 * - dapr-sidecar     1.14.4 → 1.14.5, paused in the middle of the rollout;
 * - config-reloader  v0.77.1 → v0.77.2-broken, stuck: the new image fails to pull;
 * - otel-agent       an env change: every pod is not upgradable until recreated;
 * - mosn             hot upgrade v1.5.0 → v1.6.0, rolled out with its twins reset.
 */
import { planRollout } from '@/lib/fleet/rollout-planner';
import type { Pod, SidecarSet, SidecarSetSpec } from '@/lib/fleet/k8s-types';
import { KRUISE } from '@/lib/fleet/k8s-types';
import type { KObject, Store, UserInfo } from '../types';

const SIDECARSETS = 'apps.kruise.io/sidecarsets';
const ADMIN: UserInfo = { name: 'admin', groups: ['system:masters', 'system:authenticated'] };
export const HOT_UPGRADE_EMPTY_IMAGE = 'openkruise/hotupgrade-sample:empty';

/**
 * What differs between the demo fleets: the istio-proxy version each starts on and rolls out to.
 * `demo-prod` is the demo with production one istio minor behind, so two built-in clusters show
 * a cross-cluster version drift; everything else is the one demo definition below.
 */
export interface DemoVariant {
  istioProxy: { from: string; to: string };
}

export const DEMO_VARIANTS = {
  demo: { istioProxy: { from: '1.23.2', to: '1.23.3' } },
  'demo-prod': { istioProxy: { from: '1.22.5', to: '1.22.6' } },
} as const satisfies Record<string, DemoVariant>;

export type DemoFleetName = keyof typeof DEMO_VARIANTS;

export const ISTIO_PROXY_IMAGE = (version: string): string => `docker.io/istio/proxyv2:${version}`;

function sidecarSet(name: string, labels: Record<string, string>, spec: SidecarSetSpec): KObject {
  return {
    apiVersion: 'apps.kruise.io/v1beta1',
    kind: 'SidecarSet',
    metadata: { name, labels: { 'app.kubernetes.io/managed-by': 'sidecar-fleet-demo', ...labels } },
    spec,
  } as unknown as KObject;
}

const notSystem = {
  matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system', 'kruise-system'] }],
};

/** SidecarSets to create before any demo workload, so their pods get injected at creation. */
export function demoSidecarSets(variant: DemoVariant = DEMO_VARIANTS.demo): KObject[] {
  const istio = variant.istioProxy.from;
  return [
    sidecarSet(
      'istio-proxy',
      { 'app.kubernetes.io/part-of': 'istio' },
      {
        selector: { matchLabels: { 'sidecar.istio.io/inject': 'true' } },
        namespaceSelector: notSystem,
        customVersion: istio,
        updateStrategy: { type: 'RollingUpdate', maxUnavailable: '50%' },
        containers: [
          {
            name: 'istio-proxy',
            image: ISTIO_PROXY_IMAGE(istio),
            args: ['proxy', 'sidecar', '--domain', '$(POD_NAMESPACE).svc.cluster.local', '--proxyLogLevel=warning'],
            env: [
              { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
              { name: 'ISTIO_META_POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
            ],
            ports: [{ name: 'http-envoy-prom', containerPort: 15090 }],
            readinessProbe: { httpGet: { path: '/healthz/ready', port: 15021 }, periodSeconds: 15 },
            resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '2', memory: '1Gi' } },
            volumeMounts: [{ name: 'istio-envoy', mountPath: '/etc/istio/proxy' }],
            podInjectPolicy: 'BeforeAppContainer',
          },
        ],
        volumes: [{ name: 'istio-envoy', emptyDir: { medium: 'Memory' } }],
      },
    ),
    sidecarSet(
      'fluent-bit',
      { 'app.kubernetes.io/part-of': 'logging' },
      {
        selector: { matchLabels: { logging: 'enabled' } },
        updateStrategy: { type: 'RollingUpdate', maxUnavailable: '20%' },
        containers: [
          {
            name: 'fluent-bit',
            image: 'cr.fluentbit.io/fluent/fluent-bit:3.1.8',
            args: ['--config=/fluent-bit/etc/fluent-bit.yaml'],
            resources: { requests: { cpu: '20m', memory: '32Mi' }, limits: { memory: '128Mi' } },
            volumeMounts: [{ name: 'fluent-bit-buffer', mountPath: '/buffers' }],
            podInjectPolicy: 'AfterAppContainer',
            shareVolumePolicy: { type: 'enabled' },
          },
        ],
        volumes: [{ name: 'fluent-bit-buffer', emptyDir: {} }],
      },
    ),
    sidecarSet(
      'dapr-sidecar',
      { 'app.kubernetes.io/part-of': 'dapr' },
      {
        selector: { matchLabels: { 'dapr.io/enabled': 'true' } },
        updateStrategy: { type: 'RollingUpdate', maxUnavailable: '30%' },
        containers: [
          {
            name: 'daprd',
            image: 'docker.io/daprio/daprd:1.14.4',
            args: ['./daprd', '--mode', 'kubernetes', '--dapr-http-port', '3500', '--dapr-grpc-port', '50001'],
            ports: [
              { name: 'dapr-http', containerPort: 3500 },
              { name: 'dapr-grpc', containerPort: 50001 },
            ],
            resources: { requests: { cpu: '50m', memory: '64Mi' } },
            podInjectPolicy: 'AfterAppContainer',
          },
        ],
      },
    ),
    sidecarSet(
      'config-reloader',
      { 'app.kubernetes.io/part-of': 'platform' },
      {
        selector: { matchLabels: { 'config-reloader': 'enabled' } },
        updateStrategy: { type: 'RollingUpdate', maxUnavailable: 2 },
        containers: [
          {
            name: 'config-reloader',
            image: 'quay.io/prometheus-operator/prometheus-config-reloader:v0.77.1',
            args: ['--watched-dir=/etc/config', '--reload-url=http://127.0.0.1:8080/-/reload'],
            resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '50m', memory: '64Mi' } },
            podInjectPolicy: 'AfterAppContainer',
          },
        ],
      },
    ),
    sidecarSet(
      'otel-agent',
      { 'app.kubernetes.io/part-of': 'observability' },
      {
        selector: { matchLabels: { otel: 'enabled' } },
        namespaceSelector: notSystem,
        updateStrategy: { type: 'RollingUpdate', maxUnavailable: '25%' },
        containers: [
          {
            name: 'otel-agent',
            image: 'docker.io/otel/opentelemetry-collector-contrib:0.111.0',
            args: ['--config=/conf/agent.yaml'],
            env: [{ name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: 'http://otel-gateway.observability:4317' }],
            ports: [{ name: 'otlp-grpc', containerPort: 4317 }],
            podInjectPolicy: 'AfterAppContainer',
            resourcesPolicy: {
              targetContainersMode: 'sum',
              targetContainersNameRegex: '.*',
              resourcesExpr: { requests: { cpu: 'max(cpu*10%, 25m)', memory: 'max(memory*10%, 64Mi)' } },
            },
          },
        ],
      },
    ),
    sidecarSet(
      'mosn',
      { 'app.kubernetes.io/part-of': 'mesh' },
      {
        selector: { matchLabels: { mesh: 'mosn' } },
        updateStrategy: { type: 'RollingUpdate', maxUnavailable: '50%' },
        containers: [
          {
            name: 'mosn',
            image: 'docker.io/mosnio/mosn:v1.5.0',
            args: ['start', '-c', '/etc/mosn/mosn.json'],
            ports: [{ name: 'mosn-admin', containerPort: 34901 }],
            podInjectPolicy: 'BeforeAppContainer',
            upgradeStrategy: { upgradeType: 'HotUpgrade', hotUpgradeEmptyImage: HOT_UPGRADE_EMPTY_IMAGE },
            lifecycle: { postStart: { exec: { command: ['/bin/sh', '-c', '/home/admin/mosn/bin/hot-upgrade.sh'] } } },
          },
        ],
      },
    ),
  ];
}

export interface DemoRolloutOptions {
  /** The demo variant whose SidecarSets were created (default: the demo). */
  variant?: DemoVariant;
  /** How long to wait for every state (default 90 s). */
  timeoutMs?: number;
  pollMs?: number;
  log?: (line: string) => void;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function getSidecarSet(store: Store, name: string): SidecarSet | undefined {
  return store.get(SIDECARSETS, undefined, name) as unknown as SidecarSet | undefined;
}

/** The planner's view of a SidecarSet right now, from the store. */
function planOf(store: Store, ss: SidecarSet) {
  const namespaceLabels: Record<string, Record<string, string>> = {};
  for (const ns of store.list('namespaces')) namespaceLabels[ns.metadata.name] = ns.metadata.labels ?? {};
  const pods = store
    .list('pods')
    .filter((p) => (p.metadata.annotations?.[KRUISE.injectedList] ?? '').split(',').includes(ss.metadata.name));
  return planRollout({ sidecarSet: ss, pods: pods as unknown as Pod[], namespaceLabels });
}

function setImage(spec: SidecarSetSpec, container: string, image: string): void {
  const c = spec.containers?.find((x) => x.name === container);
  if (c) c.image = image;
}

function update(store: Store, name: string, fn: (ss: SidecarSet) => void): void {
  store.mutate(
    SIDECARSETS,
    undefined,
    name,
    (o) => {
      fn(o as unknown as SidecarSet);
    },
    { user: ADMIN },
  );
}

interface Goal {
  name: string;
  describe: string;
  /** Applies the change once the SidecarSet's pods are ready. */
  start(store: Store): void;
  /** True when the state is reached. May apply a second step and return false. */
  reached(store: Store, ss: SidecarSet): boolean;
}

function goals(variant: DemoVariant): Goal[] {
  let daprPaused = false;
  const { from, to } = variant.istioProxy;
  return [
    {
      name: 'istio-proxy',
      describe: `fully rolled out ${from} → ${to}`,
      start: (s) =>
        update(s, 'istio-proxy', (ss) => {
          setImage(ss.spec, 'istio-proxy', ISTIO_PROXY_IMAGE(to));
          ss.spec.customVersion = to;
        }),
      reached: (s, ss) => caughtUp(ss, planOf(s, ss)) && (ss.status!.updatedReadyPods ?? 0) === ss.status!.matchedPods,
    },
    {
      name: 'fluent-bit',
      describe: 'canary 3.1.9 held by partition 80%',
      start: (s) =>
        update(s, 'fluent-bit', (ss) => {
          setImage(ss.spec, 'fluent-bit', 'cr.fluentbit.io/fluent/fluent-bit:3.1.9');
          ss.spec.updateStrategy = { ...ss.spec.updateStrategy, partition: '80%' };
        }),
      reached: (s, ss) => {
        const plan = planOf(s, ss);
        return (
          caughtUp(ss, plan) &&
          plan.status.updatedPods > 0 &&
          plan.nextRound.length === 0 &&
          plan.blockedBy.includes('partition') &&
          plan.status.updatedReadyPods === plan.status.updatedPods
        );
      },
    },
    {
      name: 'dapr-sidecar',
      describe: 'paused in the middle of 1.14.4 → 1.14.5',
      start: (s) =>
        update(s, 'dapr-sidecar', (ss) => {
          setImage(ss.spec, 'daprd', 'docker.io/daprio/daprd:1.14.5');
          // A first batch only; the pause below then holds the rest.
          ss.spec.updateStrategy = { ...ss.spec.updateStrategy, partition: '60%' };
        }),
      reached: (s, ss) => {
        const plan = planOf(s, ss);
        if (daprPaused) return caughtUp(ss, plan);
        if (plan.status.updatedPods > 0 && plan.nextRound.length === 0 && plan.status.updatedReadyPods === plan.status.updatedPods) {
          update(s, 'dapr-sidecar', (x) => {
            x.spec.updateStrategy = { ...x.spec.updateStrategy, paused: true, partition: 0 };
          });
          daprPaused = true;
        }
        return false;
      },
    },
    {
      name: 'config-reloader',
      describe: 'stuck on v0.77.2-broken',
      start: (s) =>
        update(s, 'config-reloader', (ss) =>
          setImage(ss.spec, 'config-reloader', 'quay.io/prometheus-operator/prometheus-config-reloader:v0.77.2-broken'),
        ),
      reached: (s, ss) => {
        const plan = planOf(s, ss);
        const failing = plan.matched.filter((p) =>
          p.status?.containerStatuses?.some(
            (c) => c.name === 'config-reloader' && /ErrImagePull|ImagePullBackOff/.test(c.state?.waiting?.reason ?? ''),
          ),
        );
        return caughtUp(ss, plan) && failing.length > 0 && plan.nextRound.length === 0;
      },
    },
    {
      name: 'otel-agent',
      describe: 'not upgradable after an env change',
      start: (s) =>
        update(s, 'otel-agent', (ss) => {
          const c = ss.spec.containers?.find((x) => x.name === 'otel-agent');
          if (c) c.env = [...(c.env ?? []), { name: 'OTEL_RESOURCE_ATTRIBUTES', value: 'deployment.environment=demo' }];
        }),
      reached: (s, ss) => {
        const plan = planOf(s, ss);
        const flagged = plan.matched.filter((p) =>
          p.status?.conditions?.some((c) => c.type === KRUISE.upgradableCondition && c.status === 'False'),
        );
        return caughtUp(ss, plan) && plan.notUpgradable.length > 0 && flagged.length === plan.notUpgradable.length;
      },
    },
    {
      name: 'mosn',
      describe: 'hot upgrade v1.5.0 → v1.6.0 with twins reset',
      start: (s) => update(s, 'mosn', (ss) => setImage(ss.spec, 'mosn', 'docker.io/mosnio/mosn:v1.6.0')),
      reached: (s, ss) => caughtUp(ss, planOf(s, ss)) && (ss.status!.updatedReadyPods ?? 0) === ss.status!.matchedPods,
    },
  ];
}

function statusSettled(ss: SidecarSet): boolean {
  return ss.status !== undefined && ss.status.observedGeneration === ss.metadata.generation && ss.status.matchedPods > 0;
}

/** The written status counts what the pods show now (no reconcile is still owed). */
function caughtUp(ss: SidecarSet, plan: ReturnType<typeof planOf>): boolean {
  const st = ss.status;
  return (
    statusSettled(ss) &&
    st?.matchedPods === plan.status.matchedPods &&
    st.updatedPods === plan.status.updatedPods &&
    st.readyPods === plan.status.readyPods &&
    (st.updatedReadyPods ?? 0) === plan.status.updatedReadyPods
  );
}

/** Drives the created SidecarSets into their demo states once the demo pods are running. */
export async function applyDemoRolloutStates(store: Store, opts: DemoRolloutOptions = {}): Promise<void> {
  const log = opts.log ?? (() => {});
  const pollMs = opts.pollMs ?? 100;
  const deadline = Date.now() + (opts.timeoutMs ?? 90_000);
  const pending = goals(opts.variant ?? DEMO_VARIANTS.demo).filter((g) => getSidecarSet(store, g.name));
  const started = new Set<string>();
  const done = new Set<string>();

  while (done.size < pending.length && Date.now() < deadline) {
    for (const g of pending) {
      if (done.has(g.name)) continue;
      const ss = getSidecarSet(store, g.name);
      if (!ss) {
        done.add(g.name);
        continue;
      }
      if (!started.has(g.name)) {
        // Start once the pods it matches are all ready on the first version.
        if (statusSettled(ss) && ss.status!.readyPods === ss.status!.matchedPods) {
          g.start(store);
          started.add(g.name);
        }
        continue;
      }
      if (g.reached(store, ss)) {
        done.add(g.name);
        log(
          `[demo] ${g.name}: ${g.describe} (matched ${ss.status?.matchedPods}, updated ${ss.status?.updatedPods}, ready ${ss.status?.readyPods})`,
        );
      }
    }
    if (done.size < pending.length) await sleep(pollMs);
  }
  const missing = pending.filter((g) => !done.has(g.name)).map((g) => g.name);
  if (missing.length > 0) {
    throw new Error(`demo rollout states not reached within ${opts.timeoutMs ?? 90_000} ms: ${missing.join(', ')}`);
  }
}
