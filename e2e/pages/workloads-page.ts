import { expect, type Locator, type Page } from '@playwright/test';
import { clusterPath, primaryCluster } from '../support/env';
import { waitForLiveShell } from './app-shell';

export class WorkloadsPage {
  readonly grid: Locator;
  readonly search: Locator;
  readonly namespace: Locator;
  readonly sidecarSet: Locator;
  readonly version: Locator;
  readonly state: Locator;
  readonly sortBy: Locator;
  readonly pagination: Locator;

  constructor(
    readonly page: Page,
    readonly cluster: string = primaryCluster,
  ) {
    this.grid = page.getByRole('table', { name: /Workloads and their sidecar versions/ });
    const filters = page.getByRole('search', { name: 'Filter workloads' });
    this.search = filters.getByRole('searchbox', { name: 'Search' });
    this.namespace = filters.getByRole('combobox', { name: 'Namespace' });
    this.sidecarSet = filters.getByRole('combobox', { name: 'SidecarSet' });
    this.version = filters.getByRole('combobox', { name: 'Version' });
    this.state = filters.getByRole('combobox', { name: 'State' });
    this.sortBy = filters.getByRole('combobox', { name: 'Sort by' });
    this.pagination = page.getByRole('navigation', { name: 'Workloads pages' });
  }

  async goto(query = ''): Promise<void> {
    await this.page.goto(clusterPath(`/workloads${query}`, this.cluster));
    await expect(this.page.getByRole('heading', { level: 1, name: 'Workloads' })).toBeVisible();
    await waitForLiveShell(this.page);
  }

  /**
   * Waits until the grid shows the current filters' rows: while they load, the last rows stay on
   * screen, dimmed and marked busy.
   */
  async loaded(): Promise<void> {
    await expect(this.grid.locator('xpath=ancestor::div[@aria-busy][1]')).toHaveAttribute('aria-busy', 'false');
  }

  /** Data rows (each has a row header: the workload's name). */
  rows(): Locator {
    return this.grid.getByRole('row').filter({ has: this.page.getByRole('rowheader') });
  }

  row(name: string): Locator {
    return this.grid.getByRole('row').filter({ has: this.page.getByRole('rowheader', { name: new RegExp(`^${name}\\b`) }) });
  }

  /** Option values of a filter select, without the "All" entry. */
  async optionValues(select: Locator): Promise<string[]> {
    const values = await select.locator('option').evaluateAll((opts) => opts.map((o) => (o as HTMLOptionElement).value));
    return values.filter((v) => v !== '');
  }
}
