import { expect, type Locator, type Page } from '@playwright/test';
import { applyManifest, kubectl, kubectlJson, runId } from './support/cluster';
import { clusterPath } from './support/env';

/**
 * Fixtures and page helpers for the rollout specs. Each spec makes its own SidecarSet and
 * workloads in its own namespace (never the demo fleet's), so specs do not disturb each other or
 * the other engineers' specs, and re-runs against a reused server start clean.
 */

export const OLD_IMAGE = 'docker.io/library/busybox:1.36';
export const NEW_IMAGE = 'docker.io/library/busybox:1.37';

export interface Fixture {
  name: string;
  namespace: string;
}

export interface WorkloadSpec {
  name: string;
  replicas: number;
  labels?: Record<string, string>;
}

/**
 * A SidecarSet `ro-…` with one cold sidecar `log-agent`, and Deployments whose pods it injects.
 * Waits until every pod is injected, matched and ready.
 */
export async function createFixture(
  prefix: string,
  workloads: WorkloadSpec[],
  opts: { annotations?: Record<string, string>; maxUnavailable?: number | string } = {},
): Promise<Fixture> {
  const id = `${prefix}-${runId()}`;
  const fx = { name: id, namespace: id };
  const annotations = Object.entries(opts.annotations ?? {})
    .map(([k, v]) => `    ${k}: '${v}'`)
    .join('\n');
  applyManifest(`
apiVersion: v1
kind: Namespace
metadata:
  name: ${fx.namespace}
---
apiVersion: apps.kruise.io/v1beta1
kind: SidecarSet
metadata:
  name: ${fx.name}
${annotations ? `  annotations:\n${annotations}` : ''}
spec:
  selector:
    matchLabels:
      rollout-e2e: ${fx.name}
  updateStrategy:
    type: RollingUpdate
    maxUnavailable: ${JSON.stringify(opts.maxUnavailable ?? 1)}
  containers:
  - name: log-agent
    image: ${OLD_IMAGE}
    command: ["sleep", "999d"]
`);
  const total = workloads.reduce((n, w) => n + w.replicas, 0);
  for (const w of workloads) {
    const labels = { 'rollout-e2e': fx.name, app: w.name, ...(w.labels ?? {}) };
    const labelYaml = Object.entries(labels)
      .map(([k, v]) => `        ${k}: ${v}`)
      .join('\n');
    applyManifest(`
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${w.name}
  namespace: ${fx.namespace}
spec:
  replicas: ${w.replicas}
  selector:
    matchLabels:
      app: ${w.name}
  template:
    metadata:
      labels:
${labelYaml}
    spec:
      containers:
      - name: app
        image: docker.io/library/nginx:1.27
`);
  }
  await expect
    .poll(() => sidecarSet(fx).status, { timeout: 40_000, message: `${total} matched and ready pods in ${fx.name}` })
    .toMatchObject({ matchedPods: total, readyPods: total });
  return fx;
}

export interface SidecarSetJson {
  metadata: { name: string; resourceVersion: string; generation: number; annotations?: Record<string, string> };
  spec: {
    containers: Array<{ name: string; image: string }>;
    updateStrategy?: { paused?: boolean; partition?: number | string; selector?: unknown; maxUnavailable?: number | string };
  };
  status?: { matchedPods: number; updatedPods: number; readyPods: number; updatedReadyPods?: number };
}

export function sidecarSet(fx: Fixture): SidecarSetJson {
  return kubectlJson<SidecarSetJson>(['get', 'sidecarsets.apps.kruise.io', fx.name]);
}

export interface PodJson {
  metadata: { name: string; namespace: string; labels?: Record<string, string> };
  spec: { containers: Array<{ name: string; image: string }> };
  status?: { containerStatuses?: Array<{ name: string; image: string; ready: boolean; state?: { waiting?: { reason?: string } } }> };
}

export function pods(fx: Fixture): PodJson[] {
  return kubectlJson<{ items: PodJson[] }>(['get', 'pods', '-n', fx.namespace]).items;
}

/** `namespace/name` of the pods whose log-agent spec image is `image`, sorted. */
export function podsOnImage(fx: Fixture, image: string): string[] {
  return pods(fx)
    .filter((p) => p.spec.containers.find((c) => c.name === 'log-agent')?.image === image)
    .map((p) => `${p.metadata.namespace}/${p.metadata.name}`)
    .sort();
}

export function setImage(fx: Fixture, image: string, strategy: Record<string, unknown> = {}): void {
  kubectl([
    'patch',
    'sidecarsets.apps.kruise.io',
    fx.name,
    '--type',
    'json',
    '-p',
    JSON.stringify([
      { op: 'replace', path: '/spec/containers/0/image', value: image },
      ...Object.entries(strategy).map(([k, v]) => ({ op: 'add', path: `/spec/updateStrategy/${k}`, value: v })),
    ]),
  ]);
}

export interface EventJson {
  reason: string;
  type: string;
  message: string;
  involvedObject: { kind: string; name: string; namespace?: string };
}

export function sidecarSetEvents(fx: Fixture): EventJson[] {
  return kubectlJson<{ items: EventJson[] }>(['get', 'events', '-n', 'default']).items.filter(
    (e) => e.involvedObject.kind === 'SidecarSet' && e.involvedObject.name === fx.name,
  );
}

/** The SidecarSet page and its rollout controls. */
export class RolloutPage {
  constructor(
    readonly page: Page,
    readonly fx: Fixture,
  ) {}

  async goto(): Promise<void> {
    await this.page.goto(clusterPath(`/sidecarsets/${encodeURIComponent(this.fx.name)}`));
    await expect(this.page.getByRole('heading', { level: 1, name: this.fx.name })).toBeVisible();
  }

  button(name: 'Canary upgrade' | 'Promote' | 'Pause rollout' | 'Resume rollout' | 'Roll back'): Locator {
    return this.page.getByRole('button', { name, exact: true });
  }

  dialog(title: string): Locator {
    return this.page.getByRole('dialog', { name: title });
  }

  /** Opens a dialog and waits for its form to load. */
  async open(button: 'Canary upgrade' | 'Promote' | 'Roll back', title: string): Promise<Locator> {
    await expect(this.button(button)).toBeEnabled();
    await this.button(button).click();
    const d = this.dialog(title);
    await expect(d.getByRole('button', { name: 'Preview', exact: true })).toBeVisible();
    return d;
  }

  /** Clicks Preview and returns the pods it lists. */
  async preview(d: Locator): Promise<string[]> {
    await d.getByRole('button', { name: 'Preview', exact: true }).click();
    await expect(d.getByRole('region', { name: 'Preview' })).toBeVisible();
    return previewPods(d);
  }
}

/**
 * The preview covers `n` pods: it lists exactly them, or, where Kruise ranks pods equally at the
 * cut and chooses among them, more, and says so.
 */
export async function expectPreviewOf(d: Locator, listed: string[], n: number): Promise<void> {
  expect(listed.length).toBeGreaterThanOrEqual(n);
  if (listed.length > n) await expect(d.getByTestId('preview-ties')).toContainText(/this change updates \d+ of \d+ such pods/);
}

/** `n` pods were updated, all of them among those the preview listed. */
export function expectUpdatedAmong(updated: string[], listed: string[], n: number): void {
  expect(updated).toHaveLength(n);
  expect(listed).toEqual(expect.arrayContaining(updated));
}

/** `namespace/name` of the pods the preview lists, sorted. */
export async function previewPods(d: Locator): Promise<string[]> {
  const rows = d.getByTestId('preview-pod');
  const names: string[] = [];
  for (const row of await rows.all()) names.push(((await row.locator('td').first().textContent()) ?? '').trim());
  return names.sort();
}
