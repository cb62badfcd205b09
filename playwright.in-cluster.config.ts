// First: the environment the specs and env.ts read.
import './e2e/support/in-cluster-target';
import { defineConfig } from '@playwright/test';
import { baseURL, e2eKubeconfig, inClusterState, port } from './e2e/support/env';
import base from './playwright.config';

/**
 * The read-only browser specs against the dashboard installed in a cluster: the chart installed
 * with helm on the real control plane (demo fleet), the container image's tree run as two pods of
 * its Deployment, in-cluster, with a token the API server issued to the chart's ServiceAccount
 * (tools/deploy/serve-in-cluster.ts), in token mode: people sign in through the sign-in page first
 * (e2e/in-cluster.setup.ts), the admin on E2E_PORT, the viewer on E2E_PORT + 1. Run `npx next build` first.
 *
 *   E2E_PORT=3700 npx playwright test -c playwright.in-cluster.config.ts
 */
const chromium = base.projects?.[0]?.use ?? {};

export default defineConfig({
  ...base,
  testIgnore: [],
  outputDir: `test-results/in-cluster-${port}/output`,
  reporter: process.env.CI ? [['list'], ['html', { open: 'never', outputFolder: `playwright-report/in-cluster-${port}` }]] : 'list',
  projects: [
    { name: 'sign-in', testMatch: 'in-cluster.setup.ts', use: chromium },
    {
      name: 'admin',
      testMatch: ['01-navigation.spec.ts', '02-workload-filters.spec.ts'],
      dependencies: ['sign-in'],
      use: { ...chromium, storageState: inClusterState('admin') },
    },
    {
      name: 'viewer',
      testMatch: ['04-viewer.spec.ts'],
      dependencies: ['sign-in'],
      use: { ...chromium, storageState: inClusterState('viewer') },
    },
  ],
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
