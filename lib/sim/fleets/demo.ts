/**
 * The demo fleet's workload catalogue: six team namespaces plus default, kube-system and
 * kruise-system, ~30 workloads of mixed kinds (Deployments, StatefulSets, DaemonSets, bare pods)
 * and ~300 pods. Pod templates carry `app.kubernetes.io/name` / `app.kubernetes.io/part-of` and
 * the opt-in labels the demo SidecarSets select:
 *
 *   sidecar.istio.io/inject=true  112 pods   logging=enabled         111 pods
 *   dapr.io/enabled=true           80 pods   config-reloader=enabled  26 pods
 *   otel=enabled                  114 pods   mesh=mosn                89 pods
 *
 * config-reloader shares no pod with the SidecarSets whose demo state needs every pod ready
 * (the demo breaks its image on purpose, see demo-sidecarsets.ts).
 *
 * (kube-system's coredns also carries the istio label: that namespace is labelled
 * `control-plane: "true"`, so Kruise skips it.)
 */
import type { KObject } from '../types';

export type OptIn = 'istio' | 'logging' | 'dapr' | 'config-reloader' | 'otel' | 'mosn';

export const OPT_IN_LABELS: Record<OptIn, [string, string]> = {
  istio: ['sidecar.istio.io/inject', 'true'],
  logging: ['logging', 'enabled'],
  dapr: ['dapr.io/enabled', 'true'],
  'config-reloader': ['config-reloader', 'enabled'],
  otel: ['otel', 'enabled'],
  mosn: ['mesh', 'mosn'],
};

export interface DemoWorkload {
  namespace: string;
  name: string;
  kind: 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Pod';
  /** Ignored for DaemonSets (one per node) and bare pods (one). */
  replicas: number;
  image: string;
  optIn: OptIn[];
  team: string;
  port?: number;
  /** StatefulSets only. */
  parallel?: boolean;
}

export interface DemoNamespace {
  name: string;
  labels: Record<string, string>;
}

export const DEMO_NAMESPACES: DemoNamespace[] = [
  { name: 'payments', labels: { team: 'payments', environment: 'demo' } },
  { name: 'checkout', labels: { team: 'checkout', environment: 'demo' } },
  { name: 'catalog', labels: { team: 'catalog', environment: 'demo' } },
  { name: 'identity', labels: { team: 'identity', environment: 'demo' } },
  { name: 'observability', labels: { team: 'observability', environment: 'demo' } },
  { name: 'platform', labels: { team: 'platform', environment: 'demo' } },
];

/** Nodes in the demo cluster (each DaemonSet has one pod per node). */
export const DEMO_NODES = 8;

const W = (
  namespace: string,
  name: string,
  kind: DemoWorkload['kind'],
  replicas: number,
  image: string,
  optIn: OptIn[],
  extra: Partial<DemoWorkload> = {},
): DemoWorkload => ({ namespace, name, kind, replicas, image, optIn, team: extra.team ?? namespace, ...extra });

export const DEMO_WORKLOADS: DemoWorkload[] = [
  // payments
  W('payments', 'payments-api', 'Deployment', 24, 'ghcr.io/acme/payments-api:2.14.1', ['istio', 'logging', 'otel'], { port: 8080 }),
  W('payments', 'payments-worker', 'Deployment', 12, 'ghcr.io/acme/payments-worker:2.14.1', ['logging', 'dapr']),
  W('payments', 'ledger', 'StatefulSet', 3, 'docker.io/library/postgres:16.4', ['istio', 'logging'], { port: 5432 }),
  W('payments', 'fraud-detector', 'Deployment', 8, 'ghcr.io/acme/fraud-detector:0.31.0', ['istio', 'dapr'], { port: 9000 }),
  // checkout
  W('checkout', 'checkout-web', 'Deployment', 30, 'ghcr.io/acme/checkout-web:5.2.0', ['istio', 'otel'], { port: 3000 }),
  W('checkout', 'cart', 'Deployment', 14, 'ghcr.io/acme/cart:1.9.4', ['istio', 'dapr'], { port: 8080 }),
  W('checkout', 'checkout-events', 'Deployment', 8, 'ghcr.io/acme/checkout-events:1.2.0', ['dapr', 'logging']),
  W('checkout', 'session-store', 'StatefulSet', 3, 'docker.io/library/redis:7.4', ['mosn'], { port: 6379 }),
  // catalog
  W('catalog', 'catalog-api', 'Deployment', 36, 'ghcr.io/acme/catalog-api:3.7.2', ['mosn', 'logging'], { port: 8080 }),
  W('catalog', 'search', 'Deployment', 24, 'ghcr.io/acme/search:4.0.1', ['mosn', 'otel'], { port: 9200 }),
  W('catalog', 'catalog-indexer', 'StatefulSet', 4, 'ghcr.io/acme/catalog-indexer:3.7.2', ['config-reloader'], { parallel: true }),
  W('catalog', 'recommendations', 'Deployment', 16, 'ghcr.io/acme/recommendations:0.12.0', ['mosn', 'otel', 'dapr'], { port: 8080 }),
  // identity
  W('identity', 'auth-server', 'Deployment', 14, 'ghcr.io/acme/auth-server:6.1.0', ['istio', 'logging', 'otel'], { port: 8443 }),
  W('identity', 'user-profile', 'Deployment', 10, 'ghcr.io/acme/user-profile:2.3.5', ['istio', 'dapr'], { port: 8080 }),
  W('identity', 'identity-db', 'StatefulSet', 3, 'docker.io/library/postgres:16.4', ['logging'], { port: 5432 }),
  // observability
  W('observability', 'prometheus', 'StatefulSet', 2, 'quay.io/prometheus/prometheus:v2.54.1', ['config-reloader'], {
    port: 9090,
    parallel: true,
  }),
  W('observability', 'grafana', 'Deployment', 2, 'docker.io/grafana/grafana:11.2.2', ['config-reloader'], { port: 3000 }),
  W('observability', 'otel-gateway', 'Deployment', 4, 'docker.io/otel/opentelemetry-collector-contrib:0.111.0', ['config-reloader'], {
    port: 4317,
  }),
  W('observability', 'node-exporter', 'DaemonSet', 0, 'quay.io/prometheus/node-exporter:v1.8.2', ['config-reloader'], { port: 9100 }),
  W('observability', 'fluent-bit-agent', 'DaemonSet', 0, 'cr.fluentbit.io/fluent/fluent-bit:3.1.8', []),
  // platform
  W('platform', 'ingress-gateway', 'Deployment', 8, 'docker.io/istio/proxyv2:1.23.2', ['istio'], { port: 8443 }),
  W('platform', 'api-gateway', 'Deployment', 10, 'ghcr.io/acme/api-gateway:1.40.0', ['mosn', 'logging'], { port: 8080 }),
  W('platform', 'feature-flags', 'Deployment', 6, 'ghcr.io/acme/feature-flags:0.9.3', ['config-reloader', 'otel'], { port: 8080 }),
  W('platform', 'notifications', 'Deployment', 12, 'ghcr.io/acme/notifications:1.5.0', ['dapr']),
  // default
  W('default', 'hello-web', 'Deployment', 4, 'docker.io/library/nginx:1.27', [], { team: 'sandbox', port: 80 }),
  W('default', 'debug-shell', 'Pod', 1, 'docker.io/library/busybox:1.36', ['logging'], { team: 'sandbox' }),
  W('default', 'canary-probe', 'Pod', 1, 'ghcr.io/acme/canary-probe:0.2.0', ['istio'], { team: 'sandbox' }),
  // A broken bare pod, so the demo shows an application failure that is not a sidecar's.
  W('default', 'db-migrate', 'Pod', 1, 'ghcr.io/acme/db-migrate:0.9.1-crashloop', [], { team: 'sandbox' }),
  // system namespaces
  W('kube-system', 'coredns', 'Deployment', 2, 'registry.k8s.io/coredns/coredns:v1.11.3', ['istio'], { team: 'kubernetes', port: 53 }),
  W('kube-system', 'kube-proxy', 'DaemonSet', 0, 'registry.k8s.io/kube-proxy:v1.32.4', [], { team: 'kubernetes' }),
  W('kruise-system', 'kruise-controller-manager', 'Deployment', 2, 'docker.io/openkruise/kruise-manager:v1.9.0', [], {
    team: 'kruise',
    port: 9876,
  }),
  W('kruise-system', 'kruise-daemon', 'DaemonSet', 0, 'docker.io/openkruise/kruise-daemon:v1.9.0', [], { team: 'kruise' }),
];

function podTemplate(w: DemoWorkload): { metadata: { labels: Record<string, string> }; spec: Record<string, unknown> } {
  const labels: Record<string, string> = {
    'app.kubernetes.io/name': w.name,
    'app.kubernetes.io/part-of': w.team,
  };
  for (const o of w.optIn) {
    const [k, v] = OPT_IN_LABELS[o];
    labels[k] = v;
  }
  const container: Record<string, unknown> = {
    name: w.name.length <= 63 ? w.name : 'app',
    image: w.image,
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
    env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
  };
  if (w.port) container.ports = [{ name: 'main', containerPort: w.port }];
  return { metadata: { labels }, spec: { containers: [container] } };
}

/** The API objects for one catalogue entry. */
export function demoObject(w: DemoWorkload): { resource: string; object: KObject } {
  const tpl = podTemplate(w);
  const selector = { matchLabels: { 'app.kubernetes.io/name': w.name } };
  const metadata = {
    name: w.name,
    namespace: w.namespace,
    labels: { 'app.kubernetes.io/name': w.name, 'app.kubernetes.io/part-of': w.team },
  };
  switch (w.kind) {
    case 'Deployment':
      return {
        resource: 'apps/deployments',
        object: { apiVersion: 'apps/v1', kind: 'Deployment', metadata, spec: { replicas: w.replicas, selector, template: tpl } },
      };
    case 'StatefulSet':
      return {
        resource: 'apps/statefulsets',
        object: {
          apiVersion: 'apps/v1',
          kind: 'StatefulSet',
          metadata,
          spec: {
            replicas: w.replicas,
            serviceName: w.name,
            podManagementPolicy: w.parallel ? 'Parallel' : 'OrderedReady',
            selector,
            template: tpl,
          },
        },
      };
    case 'DaemonSet':
      return {
        resource: 'apps/daemonsets',
        object: { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata, spec: { selector, template: tpl } },
      };
    case 'Pod':
      return {
        resource: 'pods',
        object: { apiVersion: 'v1', kind: 'Pod', metadata: { ...metadata, labels: tpl.metadata.labels }, spec: tpl.spec },
      };
  }
}

/** How many pods the catalogue makes on `nodes` nodes. */
export function expectedDemoPods(nodes = DEMO_NODES): number {
  return DEMO_WORKLOADS.reduce((n, w) => n + (w.kind === 'DaemonSet' ? nodes : w.kind === 'Pod' ? 1 : w.replicas), 0);
}
