import { expect, test } from '@playwright/test';
import { WorkloadsPage } from './pages/workloads-page';

test('filters, search and sort live in the URL and survive a reload', async ({ page }) => {
  const workloads = new WorkloadsPage(page);
  await workloads.goto();
  await expect(workloads.rows().first()).toBeVisible();

  const namespaces = await workloads.optionValues(workloads.namespace);
  expect(namespaces.length).toBeGreaterThan(0);
  const ns = namespaces[0]!;
  await workloads.namespace.selectOption(ns);
  await expect(page).toHaveURL(new RegExp(`[?&]ns=${ns}(&|$)`));
  // The rows of every namespace stay on screen until the filtered ones arrive.
  await workloads.loaded();
  await expect(workloads.rows().first()).toBeVisible();
  for (const row of await workloads.rows().all()) {
    await expect(row.getByRole('cell').first()).toHaveText(ns);
  }

  // Search for the first workload's name: it must stay in the results.
  const firstLink = workloads.rows().first().getByRole('rowheader').getByRole('link');
  const firstName = ((await firstLink.textContent()) ?? '').trim();
  await workloads.search.fill(firstName);
  await expect(page).toHaveURL(new RegExp(`[?&]q=${encodeURIComponent(firstName)}(&|$)`));
  await expect(workloads.row(firstName)).toBeVisible();

  await workloads.sortBy.selectOption('pods');
  await page.getByRole('button', { name: /Sort ascending/ }).click();
  await expect(page).toHaveURL(/[?&]sort=pods(&|$)/);
  await expect(page).toHaveURL(/[?&]dir=desc(&|$)/);
  await expect(workloads.grid.getByRole('columnheader', { name: 'Pods ready' })).toHaveAttribute('aria-sort', 'descending');

  const url = page.url();
  await page.reload();
  expect(page.url()).toBe(url);
  await expect(workloads.namespace).toHaveValue(ns);
  await expect(workloads.search).toHaveValue(firstName);
  await expect(workloads.sortBy).toHaveValue('pods');
  await expect(workloads.row(firstName)).toBeVisible();

  // The same link opened elsewhere shows the same view (a shareable link).
  const other = await page.context().newPage();
  await other.goto(url);
  const shared = new WorkloadsPage(other);
  await expect(shared.namespace).toHaveValue(ns);
  await expect(shared.row(firstName)).toBeVisible();
  await other.close();

  // Back to the unfiltered list.
  await page.getByRole('button', { name: 'Clear filters and search' }).click();
  await expect(page).not.toHaveURL(/[?&](ns|q)=/);
  await expect(workloads.namespace).toHaveValue('');
});

test('a state and SidecarSet filter narrow the grid and paging is server-side', async ({ page }) => {
  const workloads = new WorkloadsPage(page);
  await workloads.goto();
  const sidecarSets = await workloads.optionValues(workloads.sidecarSet);
  expect(sidecarSets.length).toBeGreaterThan(0);
  const ss = sidecarSets[0]!;
  await workloads.sidecarSet.selectOption(ss);
  await expect(page).toHaveURL(new RegExp(`[?&]sidecarset=${ss}(&|$)`));
  // Every row carries a sidecar of that SidecarSet: its column is headed by the SidecarSet's name.
  await expect(workloads.grid.getByRole('columnheader', { name: new RegExp(ss) })).toBeVisible();

  await workloads.state.selectOption('drift');
  await expect(page).toHaveURL(/[?&]state=drift(&|$)/);
  await page.reload();
  await expect(workloads.state).toHaveValue('drift');
  await expect(workloads.sidecarSet).toHaveValue(ss);

  // The page size is 50: the count line says how many match, never more rows than a page.
  await workloads.goto();
  expect(await workloads.rows().count()).toBeLessThanOrEqual(50);
  await expect(page.getByText(/\d+–\d+ of \d+ workloads/)).toBeVisible();
});
