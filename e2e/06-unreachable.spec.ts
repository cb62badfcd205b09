import { expect, test } from '@playwright/test';
import { clusterPath, unreachableBaseURL, unreachableCluster } from './support/env';

/** A dashboard whose cluster never answered: a clear error with a retry, not a crash or an empty fleet. */
test.use({ baseURL: unreachableBaseURL });

for (const path of [
  clusterPath('', unreachableCluster),
  clusterPath('/workloads', unreachableCluster),
  clusterPath('/sidecarsets/anything', unreachableCluster),
]) {
  test(`a cluster that is down at first render explains itself on ${path}`, async ({ page }) => {
    await page.goto(path);
    const alert = page.getByRole('alert').filter({ hasText: 'The cluster is not answering' });
    await expect(alert).toBeVisible({ timeout: 20_000 });
    await expect(alert).toContainText('https://127.0.0.1:9');
    await expect(alert).toContainText(/ECONNREFUSED/);
    await expect(alert.getByRole('button', { name: 'Retry now' })).toBeEnabled();
    // The header still says which cluster this is, and that nothing is live.
    await expect(page.getByRole('region', { name: 'Cluster' })).toContainText('https://127.0.0.1:9');
  });
}
