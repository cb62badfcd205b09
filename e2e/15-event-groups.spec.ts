import { expect, test } from '@playwright/test';
import { SidecarSetPage } from './pages/sidecarset-page';
import { createFixture } from './rollout-support';
import { expectAccessible } from './support/a11y';
import { applyManifest, kubectlJson } from './support/cluster';
import { clusterPath } from './support/env';

/**
 * The SidecarSet page summarizes its pods' events: Events that say the same thing about different
 * pods are one group (reason, message with the pod's name set aside, how often, on how many pods
 * of which workloads, since when), opened on request to its events. The Events are written with
 * kubectl, as a kubelet would, so the spec runs the same on either cluster.
 */

test.describe.configure({ timeout: 120_000 });

interface PodList {
  items: Array<{ metadata: { name: string; namespace: string; uid: string } }>;
}

test('events are grouped by reason and message, with counts, workloads and time range; a group opens to its events', async ({ page }) => {
  const fx = await createFixture('events', [
    { name: 'web', replicas: 3 },
    { name: 'api', replicas: 2 },
  ]);
  const pods = kubectlJson<PodList>(['get', 'pods', '-n', fx.namespace]).items;
  expect(pods).toHaveLength(5);
  const first = new Date(Date.now() - 10 * 60_000).toISOString();
  const last = new Date(Date.now() - 60_000).toISOString();
  const items = pods.flatMap(({ metadata: p }) =>
    [
      // The same words on every pod: one Normal group.
      {
        suffix: 'killing',
        type: 'Normal',
        reason: 'Killing',
        message: 'Container log-agent definition changed, will be restarted',
        count: 1,
      },
      // Each pod's own name and uid in the words, and repeats folded into `count` (4 each): one Warning group.
      {
        suffix: 'backoff',
        type: 'Warning',
        reason: 'BackOff',
        message: `Back-off restarting failed container log-agent in pod ${p.name}_${p.namespace}(${p.uid})`,
        count: 4,
      },
    ].map((e) => ({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${p.name}.e2e-${e.suffix}`, namespace: p.namespace },
      involvedObject: {
        apiVersion: 'v1',
        kind: 'Pod',
        namespace: p.namespace,
        name: p.name,
        uid: p.uid,
        fieldPath: 'spec.containers{log-agent}',
      },
      reason: e.reason,
      message: e.message,
      type: e.type,
      firstTimestamp: first,
      lastTimestamp: last,
      count: e.count,
      source: { component: 'kubelet' },
    })),
  );
  // One kubectl call: a List is applied item by item.
  applyManifest(JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));

  const ss = new SidecarSetPage(page, fx.name);
  await ss.goto();

  // Two lines for ten Events: the Warning group and the Normal one, each with what it sums up.
  const backoff = ss.eventGroup('BackOff');
  await expect(ss.eventGroupButton('BackOff')).toHaveAccessibleName('BackOff Warning ×20 on 5 pods');
  await expect(ss.eventGroupButton('Killing')).toHaveAccessibleName('Killing ×5 on 5 pods');
  await expect(backoff).toContainText(`Back-off restarting failed container log-agent in pod <pod>_${fx.namespace}(<uid>)`);
  await expect(backoff).toContainText(/First \d+m ago, last \d+[sm] ago/);
  await expect(backoff).toContainText('5 events');
  // The workloads of those pods, most occurrences first, each a link to its page.
  const workloads = backoff.getByRole('link');
  await expect(workloads).toHaveText([`${fx.namespace}/web`, `${fx.namespace}/api`]);
  await expect(workloads.first()).toHaveAttribute('href', clusterPath(`/workloads/${fx.namespace}/Deployment/web`));
  await expect(backoff).toContainText(`${fx.namespace}/web (×12), ${fx.namespace}/api (×8)`);
  await expect(ss.eventGroup('Killing')).toContainText('Container log-agent definition changed, will be restarted');

  // Opened (by keyboard), the group lists its Events, each with its own pod's words and a link to the pod.
  await ss.eventGroupButton('BackOff').focus();
  await page.keyboard.press('Enter');
  await expect(ss.eventGroupButton('BackOff')).toHaveAttribute('aria-expanded', 'true');
  const opened = ss.events.getByRole('list', { name: 'Newest events: BackOff' });
  await expect(opened.getByRole('listitem')).toHaveCount(5);
  for (const { metadata: p } of pods) {
    await expect(opened).toContainText(`in pod ${p.name}_${p.namespace}(${p.uid})`);
    await expect(opened.getByRole('link', { name: `Pod ${p.namespace}/${p.name}`, exact: true })).toHaveAttribute(
      'href',
      clusterPath(`/pods/${p.namespace}/${p.name}`),
    );
  }
  await expectAccessible(page, 'the SidecarSet events, one group open');

  // Closed again, its Events leave the page (and the accessibility tree).
  await ss.eventGroupButton('BackOff').click();
  await expect(ss.eventGroupButton('BackOff')).toHaveAttribute('aria-expanded', 'false');
  await expect(opened).toHaveCount(0);
  // The Killing group was never opened.
  await expect(ss.eventGroupButton('Killing')).toHaveAttribute('aria-expanded', 'false');
});
