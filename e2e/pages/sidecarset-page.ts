import { expect, type Locator, type Page } from '@playwright/test';
import { clusterPath, primaryCluster } from '../support/env';
import { waitForLiveShell } from './app-shell';

export class SidecarSetPage {
  readonly why: Locator;
  readonly spec: Locator;
  readonly revisions: Locator;
  readonly podsByRevision: Locator;
  readonly staleBanner: Locator;

  constructor(
    readonly page: Page,
    readonly name: string,
    readonly cluster: string = primaryCluster,
  ) {
    this.why = page.getByRole('region', { name: /why it is where it is/ });
    this.spec = page.getByRole('region', { name: 'Specification' });
    this.revisions = page.getByRole('table', { name: `Revision history of ${name}` });
    this.podsByRevision = page.getByRole('region', { name: 'Pods by revision' });
    this.staleBanner = page.getByRole('status').filter({ hasText: 'Data is stale since' });
  }

  async goto(): Promise<void> {
    await this.page.goto(clusterPath(`/sidecarsets/${encodeURIComponent(this.name)}`, this.cluster));
    await this.expectLoaded();
  }

  async expectLoaded(): Promise<void> {
    await expect(this.page.getByRole('heading', { level: 1, name: this.name })).toBeVisible();
    await waitForLiveShell(this.page);
  }

  /** Workload links in the pods-by-revision tables. */
  workloadLinks(): Locator {
    return this.podsByRevision.getByRole('cell').getByRole('link');
  }
}
