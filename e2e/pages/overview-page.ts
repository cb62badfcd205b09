import { expect, type Locator, type Page } from '@playwright/test';
import { clusterPath, primaryCluster } from '../support/env';
import { waitForLiveShell } from './app-shell';

export class OverviewPage {
  readonly heading: Locator;
  readonly sidecarSets: Locator;
  readonly cluster: Locator;
  readonly staleBanner: Locator;

  constructor(
    readonly page: Page,
    readonly clusterId: string = primaryCluster,
  ) {
    this.heading = page.getByRole('heading', { level: 1, name: 'Fleet overview' });
    this.sidecarSets = page.getByRole('table', { name: /SidecarSets/ });
    this.cluster = page.getByRole('region', { name: 'Cluster' });
    this.staleBanner = page.getByRole('status').filter({ hasText: 'Data is stale since' });
  }

  async goto(): Promise<void> {
    await this.page.goto(clusterPath('', this.clusterId));
    await expect(this.heading).toBeVisible();
    await expect(this.sidecarSets).toBeVisible();
    await waitForLiveShell(this.page);
  }

  /** The table's row for a SidecarSet (its name is the row header). */
  row(name: string): Locator {
    return this.sidecarSets.getByRole('row').filter({ has: this.page.getByRole('rowheader', { name }) });
  }

  sidecarSetLinks(): Locator {
    return this.sidecarSets.getByRole('rowheader').getByRole('link');
  }

  async openSidecarSet(name: string): Promise<void> {
    await this.sidecarSets.getByRole('link', { name, exact: true }).click();
  }
}
