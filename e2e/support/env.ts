import path from 'node:path';

/**
 * The cluster the admin dashboard starts: the built-in one, or with SIDECAR_FLEET_TEST_CLUSTER=real
 * the real control plane (tools/real-cluster). Its kubeconfig names contexts `<prefix>-<user>`.
 */
export const clusterKind: 'builtin' | 'real' = process.env.SIDECAR_FLEET_TEST_CLUSTER === 'real' ? 'real' : 'builtin';
const contextPrefix = clusterKind === 'real' ? 'real' : 'sim';
/** The kubeconfig context (and user entry) of a user: admin, viewer, editor or restricted. */
export const contextFor = (user: string): string => `${contextPrefix}-${user}`;

/**
 * The admin dashboard shows two clusters: the primary one it starts (the built-in demo, or the
 * real control plane with its demo) and, beside it, a built-in `demo-prod` (the demo with
 * istio-proxy on 1.22, so the clusters drift on purpose). Both are in its kubeconfig.
 */
export const primaryCluster = clusterKind === 'real' ? 'real' : 'demo';
export const secondCluster = 'demo-prod';
/** The second cluster's contexts (a built-in cluster beside the primary one). */
export const secondContextFor = (user: string): string => `sim-demo-prod-${user}`;
/** The istio-proxy image each cluster's demo rolls out (lib/sim/fleets/demo-sidecarsets.ts DEMO_VARIANTS). */
export const istioProxyImage = { primary: 'docker.io/istio/proxyv2:1.23.3', second: 'docker.io/istio/proxyv2:1.22.6' } as const;

/** A page of a cluster: `/c/<cluster><path>` (the primary cluster by default). */
export const clusterPath = (path = '', cluster: string = primaryCluster): string => `/c/${cluster}${path}`;

/** Ports and paths shared by playwright.config.ts and the specs. */
export const port = Number(process.env.E2E_PORT ?? 3100);
export const viewerPort = port + 1;
export const unreachablePort = port + 2;
export const restrictedPort = port + 3;
export const noKruisePort = port + 4;
export const baseURL = `http://localhost:${port}`;
export const viewerBaseURL = `http://localhost:${viewerPort}`;
/** A fourth dashboard acting as the restricted user: pods in namespace payments are forbidden to it. */
export const restrictedBaseURL = `http://localhost:${restrictedPort}`;
/** A fifth dashboard on a cluster of its own, of the same kind, without OpenKruise. */
export const noKruiseBaseURL = `http://localhost:${noKruisePort}`;
/** Its cluster's id: the built-in `empty` fleet's cluster, or the real control plane. */
export const noKruiseCluster = clusterKind === 'real' ? 'real' : 'empty';
export const noKruiseKubeconfig = path.resolve(
  __dirname,
  `../../${clusterKind === 'real' ? '.real-cluster' : '.sim'}/e2e-${port}-no-kruise/kubeconfig`,
);
/** A third dashboard whose kubeconfig names a server that never answers (its one cluster: `unreachable`). */
export const unreachableBaseURL = `http://localhost:${unreachablePort}`;
export const unreachableCluster = 'unreachable';
export const unreachableKubeconfig = path.resolve(__dirname, '../fixtures/unreachable-kubeconfig.yaml');
/**
 * Written by the cluster the admin dashboard starts; kubectl in the specs uses it too. Keyed by
 * port, so two runs on different ports (several engineers share a checkout) never overwrite it.
 */
export const e2eKubeconfig = path.resolve(__dirname, `../../${clusterKind === 'real' ? '.real-cluster' : '.sim'}/e2e-${port}/kubeconfig`);
