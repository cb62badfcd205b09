// First: the environment the specs and env.ts read.
import './e2e/support/in-cluster-target';
import { defineConfig } from '@playwright/test';
import base from './playwright.config';
import { baseURL, e2eKubeconfig, port } from './e2e/support/env';

/**
 * The read-only browser specs against the dashboard installed in a cluster: the chart applied to the
 * real control plane (demo fleet), the container image's tree run as a pod of its Deployment, in
 * in-cluster mode with a token the API server issued to the chart's ServiceAccount
 * (tools/deploy/serve-in-cluster.ts). E2E_PORT is the token-mode release, E2E_PORT + 1 a read-only
 * release (rbac.rollouts=false) the viewer spec runs against. Run `npx next build` first.
 *
 *   E2E_PORT=3700 npx playwright test -c playwright.in-cluster.config.ts
 */

export default defineConfig({
  ...base,
  testMatch: ['01-navigation.spec.ts', '02-workload-filters.spec.ts', '04-viewer.spec.ts'],
  testIgnore: [],
  outputDir: `test-results/in-cluster-${port}`,
  reporter: process.env.CI ? [['list'], ['html', { open: 'never', outputFolder: `playwright-report/in-cluster-${port}` }]] : 'list',
  webServer: {
    command: `npx tsx tools/deploy/serve-in-cluster.ts --port ${port} --kubeconfig-out ${e2eKubeconfig}`,
    url: `${baseURL}/readyz`,
    reuseExistingServer: false,
    // The demo fleet is loaded through the API and driven into its states by real Kruise.
    timeout: 420_000,
    stdout: 'pipe',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 30_000 },
  },
});
