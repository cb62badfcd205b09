import { expect, type Locator, type Page } from '@playwright/test';
import { waitForLiveShell } from './app-shell';

export class PodPage {
  readonly sidecars: Locator;
  readonly containers: Locator;

  constructor(
    readonly page: Page,
    readonly name: string,
  ) {
    this.sidecars = page.getByRole('table', { name: `Sidecars of pod ${name}` });
    this.containers = page.getByRole('table', { name: `Containers of pod ${name}` });
  }

  async expectLoaded(): Promise<void> {
    await expect(this.page.getByRole('heading', { level: 1, name: this.name })).toBeVisible();
    await expect(this.containers).toBeVisible();
    await waitForLiveShell(this.page);
  }
}
