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
export const noKruiseKubeconfig = path.resolve(
  __dirname,
  `../../${clusterKind === 'real' ? '.real-cluster' : '.sim'}/e2e-${port}-no-kruise/kubeconfig`,
);
/** A third dashboard whose kubeconfig names a server that never answers. */
export const unreachableBaseURL = `http://localhost:${unreachablePort}`;
export const unreachableKubeconfig = path.resolve(__dirname, '../fixtures/unreachable-kubeconfig.yaml');
/**
 * Written by the cluster the admin dashboard starts; kubectl in the specs uses it too. Keyed by
 * port, so two runs on different ports (several engineers share a checkout) never overwrite it.
 */
export const e2eKubeconfig = path.resolve(__dirname, `../../${clusterKind === 'real' ? '.real-cluster' : '.sim'}/e2e-${port}/kubeconfig`);

/** The signed-in browser state of a user for the in-cluster specs (e2e/in-cluster.setup.ts). */
export const inClusterState = (user: string): string => path.resolve(__dirname, `../../test-results/in-cluster-${port}/${user}.json`);
