/**
 * Which cluster a test runs against. `SIDECAR_FLEET_TEST_CLUSTER=real` puts the tests that can run
 * anywhere on the real control plane (tools/real-cluster: kube-apiserver, etcd, real kruise-manager,
 * KWOK); anything else (the default) on the built-in cluster. Tests see one handle either way:
 * a kubeconfig whose contexts are `<prefix>-<user>` for the users admin, viewer, editor and restricted.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export type ClusterKind = 'builtin' | 'real';

export const TEST_CLUSTER: ClusterKind = process.env.SIDECAR_FLEET_TEST_CLUSTER === 'real' ? 'real' : 'builtin';

export interface TestClusterOptions {
  fleet?: string;
  /** Typical kubelet step (the built-in cluster's kubelet; KWOK's stages on the real one). */
  kubeletDelayMs?: number;
  /** Install Kruise (default true). */
  kruise?: boolean;
}

export interface ClusterHandle {
  kind: ClusterKind;
  url: string;
  /** A kubeconfig file whose current context is the admin. */
  kubeconfigPath: string;
  kubeconfig: string;
  /** The context of a user (`admin`, `viewer`, `editor`, `restricted`). */
  contextFor(user: string): string;
  kubeconfigFor(user: string): string;
  tokens: Record<string, string>;
  /**
   * How much longer than on the built-in cluster things take. Real Kruise keeps its own delays (it
   * re-checks pods whose containers are not yet consistent after seconds, not the built-in's 100 ms),
   * so waits there get this factor.
   */
  slowness: number;
  stop(): Promise<void>;
}

export async function startClusterOf(kind: ClusterKind, opts: TestClusterOptions = {}): Promise<ClusterHandle> {
  const dir = mkdtempSync(path.join(tmpdir(), `sf-${kind}-`));
  const kubeconfigPath = path.join(dir, 'kubeconfig');
  if (kind === 'real') {
    const { startRealCluster } = await import('@/tools/real-cluster/index');
    const c = await startRealCluster({
      dir: path.join(dir, 'cluster'),
      kubeconfigPath,
      fleet: opts.fleet ?? 'empty',
      kubeletDelayMs: opts.kubeletDelayMs ?? 50,
      kruise: opts.kruise,
    });
    return {
      kind,
      url: c.url,
      kubeconfigPath,
      kubeconfig: c.kubeconfig,
      contextFor: (user) => `${c.contextPrefix}-${user}`,
      kubeconfigFor: c.kubeconfigFor,
      tokens: c.tokens,
      slowness: 6,
      async stop() {
        await c.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const { startCluster } = await import('@/lib/sim/index');
  const c = await startCluster({
    fleet: opts.fleet ?? 'empty',
    kubeconfigPath,
    kubeletDelayMs: opts.kubeletDelayMs ?? 20,
    kruise: opts.kruise,
  });
  writeFileSync(kubeconfigPath, c.kubeconfig);
  return {
    kind,
    url: c.url,
    kubeconfigPath,
    kubeconfig: c.kubeconfig,
    contextFor: (user) => `sim-${user}`,
    kubeconfigFor: c.kubeconfigFor,
    tokens: c.tokens,
    slowness: 1,
    async stop() {
      await c.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
