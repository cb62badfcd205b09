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
 * SIDECAR_FLEET_E2E_TARGET=in-cluster (playwright.in-cluster.config.ts): the dashboard runs as the
 * chart's pods would, in-cluster in token mode (tools/deploy/serve-in-cluster.ts), two replicas on
 * `port` and `port + 1`; people sign in with ServiceAccount tokens bound like the users
 * (support/users.ts). kubectl in the specs still acts as the admin.
 */
export const inCluster = process.env.SIDECAR_FLEET_E2E_TARGET === 'in-cluster';
/** What the page header says about the cluster. */
export const clusterLabel = inCluster ? 'In-cluster' : clusterKind === 'real' ? 'Cluster real' : 'Built-in simulated cluster';
/** Whom the page header names for the dashboard acting as `user`: the signed-in account in-cluster. */
export const identityFor = (user: string): string => (inCluster ? `system:serviceaccount:default:e2e-${user}` : contextFor(user));

/**
 * The admin dashboard shows two clusters: the primary one it starts (the built-in demo, or the
 * real control plane with its demo) and, beside it, a built-in `demo-prod` (the demo with
 * istio-proxy on 1.22, so the clusters drift on purpose). Both are in its kubeconfig.
 */
export const primaryCluster = inCluster ? 'in-cluster' : clusterKind === 'real' ? 'real' : 'demo';
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
export const tokenPort = port + 5;
export const proxyPort = port + 6;
/** A sixth dashboard in token mode (a sign-in page), and a seventh in proxy mode, on the admin's cluster. */
export const tokenBaseURL = `http://localhost:${tokenPort}`;
export const proxyBaseURL = `http://localhost:${proxyPort}`;
/** Test-only secrets of those two dashboards: the specs seal an expired session, and play the proxy. */
export const TOKEN_SESSION_SECRET = 'e2e-session-secret-0123456789abcdef0123456789';
export const PROXY_SECRET = 'e2e-proxy-secret-0123456789';
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

/** The signed-in browser state of a user for the in-cluster specs (e2e/in-cluster.setup.ts). */
export const inClusterState = (user: string): string => path.resolve(__dirname, `../../test-results/in-cluster-${port}/${user}.json`);

/** An API route of a cluster: `/api/c/<cluster><path>` (the primary cluster by default). */
export const apiPath = (path: string, cluster: string = primaryCluster): string => `/api/c/${cluster}${path}`;
