import { defineConfig } from '@playwright/test';
import {
  baseURL,
  clusterKind,
  contextFor,
  e2eKubeconfig,
  noKruiseBaseURL,
  noKruiseKubeconfig,
  noKruisePort,
  PROXY_SECRET,
  port,
  proxyBaseURL,
  proxyPort,
  restrictedBaseURL,
  restrictedPort,
  TOKEN_SESSION_SECRET,
  tokenBaseURL,
  tokenPort,
  unreachableBaseURL,
  unreachableKubeconfig,
  unreachablePort,
  viewerBaseURL,
  viewerPort,
} from './e2e/support/env';

/**
 * Browser tests against the demo fleet on the built-in cluster, or with SIDECAR_FLEET_TEST_CLUSTER=real
 * on the real control plane (tools/real-cluster). Run `npx next build` first: the servers start
 * with --no-build.
 *
 * Dashboards share the one cluster:
 * - the admin one (port E2E_PORT, default 3100) starts the cluster and, beside it, a second built-in
 *   cluster (`demo-prod`, whose istio-proxy version differs on purpose), and writes one kubeconfig
 *   for both to .sim/e2e-<port>/kubeconfig (.real-cluster/e2e-<port>/ for the real one), which the
 *   tests also hand to kubectl; it shows both clusters (the multi-cluster specs use them);
 * - the viewer one (E2E_PORT + 1) reads that kubeconfig with the viewer's context. Playwright
 *   starts web servers in order and waits for each, so the kubeconfig exists when it starts.
 * A third (E2E_PORT + 2) points at a cluster that never answers, for the first-render error page;
 * a fourth (E2E_PORT + 3) acts as the restricted user, who may not read pods in one namespace;
 * a fifth (E2E_PORT + 4) starts a cluster of its own, of the same kind, without OpenKruise.
 */
const ci = !!process.env.CI;
const real = clusterKind === 'real';

/** One dashboard (`npm start`, already built) on `port`, ready when its clusters route answers (its clusters are up by then). */
function dashboard(port: number, base: string, flags: string, env: Record<string, string>, timeout = 120_000) {
  return {
    command: `npm start -- --no-build --port ${port} ${flags}`.trim(),
    // Answers (401 included) once the server is up; the sign-in modes answer 401 to a stranger.
    url: `${base}/icon.svg`,
    env: { ...env, PORT: String(port) },
    reuseExistingServer: !ci,
    timeout,
    stdout: 'ignore' as const,
    stderr: 'pipe' as const,
  };
}

// Dashboards on the admin's kubeconfig (or none) as other identities. Only the admin dashboard
// runs the rollout guard: the restricted identity may patch SidecarSets but not create Events, so
// a guard there could win the pause and leave no audit Event.
const secondary = { SIDECAR_FLEET_CLUSTER: '', SIDECAR_FLEET_GUARD: 'off' };

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  // The outage spec switches the built-in cluster's fault injection on, which a real API server has not.
  testIgnore: real ? ['**/05-outage.spec.ts'] : [],
  // Per port, like the kubeconfig: a second run on another port must not wipe this run's traces.
  outputDir: `test-results/e2e-${port}`,
  // One shared, stateful cluster: tests patch it and one switches on an outage, so they run one at a time.
  workers: 1,
  fullyParallel: false,
  retries: ci ? 1 : 0,
  forbidOnly: ci,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: ci ? [['list'], ['html', { open: 'never', outputFolder: `playwright-report/e2e-${port}` }]] : 'list',
  use: {
    baseURL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium', viewport: { width: 1440, height: 900 } } }],
  webServer: [
    real
      ? // The real control plane loads the demo through its API and waits for real Kruise to reach every state.
        dashboard(
          port,
          baseURL,
          `--real --fleet demo --also-builtin demo-prod --kubeconfig-out ${e2eKubeconfig}`,
          { SIDECAR_FLEET_CLUSTER: 'real' },
          420_000,
        )
      : dashboard(port, baseURL, `--builtin --fleet demo,demo-prod --kubeconfig-out ${e2eKubeconfig}`, {
          SIDECAR_FLEET_CLUSTER: 'builtin',
        }),
    dashboard(viewerPort, viewerBaseURL, `--context ${contextFor('viewer')}`, { KUBECONFIG: e2eKubeconfig, ...secondary }),
    dashboard(restrictedPort, restrictedBaseURL, `--context ${contextFor('restricted')}`, { KUBECONFIG: e2eKubeconfig, ...secondary }),
    dashboard(unreachablePort, unreachableBaseURL, '', { KUBECONFIG: unreachableKubeconfig, ...secondary }),
    dashboard(
      noKruisePort,
      noKruiseBaseURL,
      `${real ? '--real' : '--builtin'} --no-kruise --fleet empty --kubeconfig-out ${noKruiseKubeconfig}`,
      { SIDECAR_FLEET_CLUSTER: '', SIDECAR_FLEET_GUARD: 'off' },
      300_000,
    ),
    // Each person acts as themselves: the dashboards' own identity (admin) reads; users sign in.
    dashboard(tokenPort, tokenBaseURL, `--auth token --context ${contextFor('admin')}`, {
      KUBECONFIG: e2eKubeconfig,
      ...secondary,
      SIDECAR_FLEET_SESSION_SECRET: TOKEN_SESSION_SECRET,
    }),
    dashboard(proxyPort, proxyBaseURL, `--auth proxy --context ${contextFor('admin')}`, {
      KUBECONFIG: e2eKubeconfig,
      ...secondary,
      SIDECAR_FLEET_PROXY_SECRET: PROXY_SECRET,
    }),
  ],
});
