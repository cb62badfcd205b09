import { expect, type Locator, type Page } from '@playwright/test';
import { clusterPath, primaryCluster } from '../support/env';
import { waitForLiveShell } from './app-shell';

export class SidecarSetPage {
  readonly why: Locator;
  readonly spec: Locator;
  readonly revisions: Locator;
  readonly podsByRevision: Locator;
  readonly events: Locator;
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
    this.events = page.getByRole('region', { name: 'Events' });
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

  /**
   * The disclosure button of the event group with this reason: a level-3 heading whose button is
   * named "<reason> [Warning] ×<count> on <n> pods".
   */
  eventGroupButton(reason: string): Locator {
    return groupButton(this.events, reason);
  }

  /** The event group with this reason (its list item: heading, message, time range, workloads, its events once open). */
  eventGroup(reason: string): Locator {
    // `has` is matched inside each list item, so its locator starts from the page, not the region.
    return this.events.getByRole('listitem').filter({ has: groupButton(this.page, reason) });
  }

  /** Opens the group and returns the list of its newest events. */
  async openEventGroup(reason: string): Promise<Locator> {
    const button = this.eventGroupButton(reason);
    await expect(button).toHaveAttribute('aria-expanded', 'false');
    await button.click();
    await expect(button).toHaveAttribute('aria-expanded', 'true');
    const list = this.events.getByRole('list', { name: `Newest events: ${reason}` });
    await expect(list).toBeVisible();
    return list;
  }

  /** Workload links in the pods-by-revision tables. */
  workloadLinks(): Locator {
    return this.podsByRevision.getByRole('cell').getByRole('link');
  }
}

function groupButton(within: Page | Locator, reason: string): Locator {
  return within.getByRole('heading', { level: 3 }).getByRole('button', { name: new RegExp(`^${escapeRegExp(reason)} `) });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
