import { execFileSync } from 'node:child_process';
import { expect, test } from '@playwright/test';
import { waitForLiveShell } from './pages/app-shell';
import { WorkloadsPage } from './pages/workloads-page';
import { clusterPath, contextFor, noKruiseBaseURL, noKruiseCluster, noKruiseKubeconfig } from './support/env';

/**
 * A cluster without OpenKruise (a real API server with no Kruise installed, under
 * SIDECAR_FLEET_TEST_CLUSTER=real): the dashboard says Kruise is missing and still shows the pods.
 */
test.use({ baseURL: noKruiseBaseURL });

function kubectl(args: string[], input?: string): string {
  return execFileSync('kubectl', ['--kubeconfig', noKruiseKubeconfig, '--context', contextFor('admin'), ...args], {
    input,
    encoding: 'utf8',
    timeout: 30_000,
  });
}

test('without Kruise the dashboard says so and still shows the pods', async ({ page }) => {
  expect(kubectl(['api-resources', '--api-group=apps.kruise.io', '-o', 'name']).trim()).toBe('');
  kubectl(
    ['apply', '-f', '-'],
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: [
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'plain' } },
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'storefront', namespace: 'plain' },
          spec: {
            replicas: 2,
            selector: { matchLabels: { app: 'storefront' } },
            template: {
              metadata: { labels: { app: 'storefront' } },
              spec: { containers: [{ name: 'web', image: 'docker.io/library/nginx:1.27' }] },
            },
          },
        },
      ],
    }),
  );
  await expect
    .poll(() => kubectl(['-n', 'plain', 'get', 'pods', '-l', 'app=storefront', '-o', 'jsonpath={.items[*].status.phase}']).trim(), {
      timeout: 60_000,
      message: 'two running pods',
    })
    .toBe('Running Running');

  // The overview has no SidecarSet table to show: it says why instead.
  await page.goto(clusterPath('', noKruiseCluster));
  await waitForLiveShell(page);
  await expect(page.getByText('OpenKruise is not installed in this cluster')).toBeVisible();
  await expect(page.getByRole('region', { name: 'Cluster' })).toContainText('Kruise not installed');

  const workloads = new WorkloadsPage(page, noKruiseCluster);
  await workloads.goto();
  await expect(workloads.row('storefront')).toBeVisible({ timeout: 20_000 });
  await expect(workloads.row('storefront')).toContainText('plain');
});
