/**
 * Which contexts become clusters: the pure selection on plain context lists, then the registry on
 * real kubeconfig files written by two built-in clusters (KUBECONFIG naming both files).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Cluster, startCluster } from '@/lib/sim/index';
import {
  type ContextEntry,
  clusterClient,
  clusterRegistry,
  clusterSlug,
  contextPattern,
  namesSetting,
  requireCluster,
  resetClusterRegistry,
  selectClusters,
  settingsFromEnv,
} from './clusters';
import { loadKubeconfig } from './config';
import { requestJson } from './http';

const ctx = (name: string, cluster: string, user = name): ContextEntry => ({ name, cluster, user, server: `https://${cluster}:6443` });

const twoBuiltIn: ContextEntry[] = [
  ...['admin', 'viewer'].map((u) => ctx(`sim-${u}`, 'demo', `sim-${u}`)),
  ...['admin', 'viewer'].map((u) => ctx(`sim-demo-prod-${u}`, 'demo-prod', `sim-demo-prod-${u}`)),
];

describe('selectClusters', () => {
  it('one cluster per shown context, named after its kubeconfig cluster when that context is its only one', () => {
    const s = selectClusters(twoBuiltIn, 'sim-admin', false, { include: ['*-admin'] });
    expect(s.clusters).toEqual([
      { id: 'demo', name: 'demo', source: 'kubeconfig', context: 'sim-admin', user: 'sim-admin', server: 'https://demo:6443' },
      {
        id: 'demo-prod',
        name: 'demo-prod',
        source: 'kubeconfig',
        context: 'sim-demo-prod-admin',
        user: 'sim-demo-prod-admin',
        server: 'https://demo-prod:6443',
      },
    ]);
    expect(s.defaultId).toBe('demo');
    expect(s.warnings).toEqual([]);
  });

  it('every context by default; contexts sharing a kubeconfig cluster are told apart by their names', () => {
    const s = selectClusters(twoBuiltIn, 'sim-demo-prod-viewer', false, {});
    expect(s.clusters.map((c) => [c.id, c.name, c.context])).toEqual([
      ['sim-admin', 'sim-admin', 'sim-admin'],
      ['sim-viewer', 'sim-viewer', 'sim-viewer'],
      ['sim-demo-prod-admin', 'sim-demo-prod-admin', 'sim-demo-prod-admin'],
      ['sim-demo-prod-viewer', 'sim-demo-prod-viewer', 'sim-demo-prod-viewer'],
    ]);
    // The current context is the default cluster.
    expect(s.defaultId).toBe('sim-demo-prod-viewer');
  });

  it('excludes, renames, adds the service account, and says which patterns matched nothing', () => {
    const s = selectClusters(twoBuiltIn, 'sim-viewer', true, {
      include: ['sim-admin', 'sim-demo-prod-*', 'in-cluster', 'staging'],
      exclude: ['*-viewer', 'prod-*'],
      names: { 'sim-admin': 'Demo (staging)', 'in-cluster': 'This cluster' },
    });
    expect(s.clusters.map((c) => [c.id, c.name, c.source, c.context])).toEqual([
      ['demo-staging', 'Demo (staging)', 'kubeconfig', 'sim-admin'],
      ['demo-prod', 'demo-prod', 'kubeconfig', 'sim-demo-prod-admin'],
      ['this-cluster', 'This cluster', 'in-cluster', undefined],
    ]);
    // The current context is not shown: the first one is the default.
    expect(s.defaultId).toBe('demo-staging');
    expect(s.warnings).toEqual([
      'No context matches "staging" in the include list (SIDECAR_FLEET_CONTEXTS).',
      'No context matches "prod-*" in the exclude list (SIDECAR_FLEET_EXCLUDE_CONTEXTS).',
    ]);
  });

  it('gives colliding names distinct ids, and keeps a broken context with its error', () => {
    const s = selectClusters(
      [
        ctx('arn:aws:eks:eu-west-1:123:cluster/prod', 'arn:aws:eks:eu-west-1:123:cluster/prod'),
        {
          name: 'gone',
          cluster: 'nowhere',
          user: 'u',
          broken: 'The context "gone" names the cluster "nowhere", which the kubeconfig does not define.',
        },
      ],
      undefined,
      false,
      { names: { gone: 'ARN:AWS:EKS:EU-WEST-1:123:CLUSTER/PROD' } },
    );
    expect(s.clusters.map((c) => [c.id, c.error])).toEqual([
      ['arn-aws-eks-eu-west-1-123-cluster-prod', undefined],
      ['arn-aws-eks-eu-west-1-123-cluster-prod-2', 'The context "gone" names the cluster "nowhere", which the kubeconfig does not define.'],
    ]);
    expect(selectClusters([], undefined, false, {})).toEqual({ clusters: [], warnings: [] });
  });

  it('reads the settings from the environment', () => {
    expect(
      settingsFromEnv({
        SIDECAR_FLEET_CONTEXTS: ' a , b* ,',
        SIDECAR_FLEET_EXCLUDE_CONTEXTS: 'c',
        SIDECAR_FLEET_CLUSTER_NAMES: 'a=Alpha one, b=Beta,broken',
      }),
    ).toEqual({ include: ['a', 'b*'], exclude: ['c'], names: { a: 'Alpha one', b: 'Beta' } });
    // The single-context setting still means "this context only".
    expect(settingsFromEnv({ SIDECAR_FLEET_CONTEXT: 'sim-viewer' })).toEqual({ include: ['sim-viewer'], names: {} });
    expect(namesSetting('x==y')).toEqual({ x: '=y' });
  });

  it('matches `*` as a wildcard and everything else literally; slugs are URL-safe', () => {
    expect(contextPattern('*-admin').test('sim-demo-prod-admin')).toBe(true);
    expect(contextPattern('kind.*').test('kind-x')).toBe(false);
    expect(contextPattern('a+b').test('a+b')).toBe(true);
    expect(clusterSlug('gke_my-project_europe-west1_prod')).toBe('gke_my-project_europe-west1_prod');
    expect(clusterSlug('  ///  ')).toBe('cluster');
  });
});

describe('the registry, on two built-in clusters', () => {
  let a: Cluster;
  let b: Cluster;
  let dir: string;
  const saved = { ...process.env };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'clusters-'));
    [a, b] = await Promise.all([
      startCluster({ fleet: 'empty', kubeconfigPath: path.join(dir, 'a'), clusterName: 'alpha' }),
      startCluster({ fleet: 'empty', kubeconfigPath: path.join(dir, 'b'), clusterName: 'beta', contextPrefix: 'beta' }),
    ]);
  });

  afterEach(() => {
    process.env = { ...saved };
    resetClusterRegistry();
  });

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('merges KUBECONFIG files like kubectl, and connects to each cluster over HTTPS', async () => {
    // A third file repeating the first one's names: the first entry of a name wins, as in kubectl.
    writeFileSync(path.join(dir, 'dup'), b.kubeconfigFor('admin').replaceAll('beta-', 'sim-').replace('name: beta', 'name: alpha'));
    process.env.KUBECONFIG = [path.join(dir, 'a'), path.join(dir, 'b'), path.join(dir, 'dup'), path.join(dir, 'missing')].join(
      path.delimiter,
    );
    process.env.SIDECAR_FLEET_CONTEXTS = '*-admin';
    delete process.env.SIDECAR_FLEET_CONTEXT;
    const r = clusterRegistry();
    expect(r.clusters.map((c) => [c.id, c.context, c.server])).toEqual([
      ['alpha', 'sim-admin', a.url],
      ['beta', 'beta-admin', b.url],
    ]);
    expect(r.defaultId).toBe('alpha');
    for (const [id, cluster] of [
      ['alpha', a],
      ['beta', b],
    ] as const) {
      const ns = `only-in-${id}`;
      cluster.store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
      const got = await requestJson<{ metadata: { name: string } }>(clusterClient(id), { path: `/api/v1/namespaces/${ns}` });
      expect(got.ok && got.value.metadata.name).toBe(ns);
    }
    const other = await requestJson(clusterClient('beta'), { path: '/api/v1/namespaces/only-in-alpha' });
    expect(!other.ok && other.error.kind).toBe('NotFound');
    expect(() => requireCluster('gamma')).toThrow('No cluster "gamma" is configured here. Configured clusters: alpha, beta.');
  });

  it('says when nothing is configured', () => {
    process.env.KUBECONFIG = path.join(dir, 'missing');
    process.env.HOME = dir;
    delete process.env.KUBERNETES_SERVICE_HOST;
    const r = clusterRegistry();
    expect(r.clusters).toEqual([]);
    expect(r.error).toMatch(/^No cluster configured: set KUBECONFIG/);
    expect(loadKubeconfig(path.join(dir, 'missing'))).toBeNull();
  });
});
