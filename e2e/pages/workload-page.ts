import { expect, type Locator, type Page } from '@playwright/test';
import { clusterPath, primaryCluster } from '../support/env';
import { waitForLiveShell } from './app-shell';

export class WorkloadPage {
  readonly pods: Locator;
  readonly sidecars: Locator;

  constructor(
    readonly page: Page,
    readonly cluster: string = primaryCluster,
  ) {
    this.pods = page.getByRole('table', { name: /^Pods of / });
    this.sidecars = page.getByRole('region', { name: 'Sidecars' });
  }

  async goto(ref: { namespace: string; kind: string; name: string }): Promise<void> {
    await this.page.goto(clusterPath(`/workloads/${ref.namespace}/${ref.kind}/${ref.name}`, this.cluster));
    await this.expectLoaded(ref.name);
  }

  async expectLoaded(name: string): Promise<void> {
    await expect(this.page.getByRole('heading', { level: 1, name })).toBeVisible();
    await expect(this.pods).toBeVisible();
    await waitForLiveShell(this.page);
  }

  podLinks(): Locator {
    return this.pods.getByRole('rowheader').getByRole('link');
  }

  /** The row group of one pod: its header cell spans its sidecars' rows. */
  podRow(name: string): Locator {
    return this.pods.getByRole('row').filter({ has: this.page.getByRole('rowheader', { name }) });
  }
}
