import 'server-only';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import yaml from 'js-yaml';
import { KRUISE } from '@/lib/fleet/k8s-types';

/**
 * How a cluster connection is made: a kubeconfig context (from one or several files, merged the
 * way kubectl merges KUBECONFIG) or the pod's service account. Nothing here runs at import time:
 * `next build` must be able to import every page without a cluster, so files are read on first use.
 * Which contexts the dashboard shows is decided in ./clusters.ts; tests build their own client with
 * `createFleetClient({ kubeconfigPath, context })`.
 */

/** Extension name the built-in cluster writes on its kubeconfig cluster entry. */
export const BUILT_IN_EXTENSION = 'sidecar-fleet.dev/built-in';

export interface FleetClientOptions {
  /** A kubeconfig file (or several joined with the path delimiter, like KUBECONFIG). */
  kubeconfigPath?: string;
  /** Context to use instead of the file's current-context. */
  context?: string;
  /** Use the pod's service account (ignores kubeconfigPath). */
  inCluster?: boolean;
}

/**
 * Who the server acts as. Today that is the kubeconfig user (or the service account); when
 * sign-in per user arrives each request carries its own. Functions in lib/k8s take it explicitly.
 */
export interface Identity {
  /** The kubeconfig user entry name, or "serviceaccount". */
  user: string;
  context?: string;
}

export interface FleetClient {
  /** Identifies the cluster connection (used to key the shared caches). */
  readonly key: string;
  readonly kc: KubeConfig;
  readonly source: 'kubeconfig' | 'in-cluster';
  readonly kubeconfigPath?: string;
  readonly contextName?: string;
  readonly clusterName: string;
  readonly server: string;
  readonly identity: Identity;
  /** The kubeconfig cluster entry carries the built-in cluster's extension. */
  readonly builtInMarked: boolean;
  /**
   * Act as this user (Impersonate-User / Impersonate-Group headers, sent with the client's own
   * credentials, which need the `impersonate` verb): how proxy mode's identity headers reach the cluster.
   */
  readonly impersonate?: { user: string; groups: string[] };
}

export class NoClusterConfiguredError extends Error {
  override name = 'NoClusterConfiguredError';
}

/**
 * The namespace Kruise runs in, where its SidecarSet ControllerRevisions live: SIDECAR_FLEET_KRUISE_NAMESPACE
 * (the chart's `kruise.namespace`), else Kruise's default.
 */
export function kruiseNamespace(env: NodeJS.ProcessEnv = process.env): string {
  return env.SIDECAR_FLEET_KRUISE_NAMESPACE?.trim() || KRUISE.kruiseNamespace;
}

/** Where a pod's service account (token, ca.crt, namespace) is mounted. */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** SIDECAR_FLEET_SERVICEACCOUNT_DIR moves it: the tests run the in-cluster path outside a pod. */
export function serviceAccountDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.SIDECAR_FLEET_SERVICEACCOUNT_DIR || SERVICE_ACCOUNT_DIR;
}

export function createFleetClient(opts: FleetClientOptions = {}): FleetClient {
  if (opts.inCluster) {
    const kc = new KubeConfig();
    loadServiceAccount(kc, serviceAccountDir());
    return finish(kc, 'in-cluster', undefined, false);
  }
  if (!opts.kubeconfigPath) throw new NoClusterConfiguredError('createFleetClient needs kubeconfigPath or inCluster');
  const loaded = loadKubeconfig(opts.kubeconfigPath);
  if (!loaded) throw new NoClusterConfiguredError(`No kubeconfig at ${opts.kubeconfigPath}`);
  return clientForContext(loaded, opts.context);
}

/** Several kubeconfig files read as one, the way kubectl merges KUBECONFIG. */
export interface LoadedKubeconfig {
  kc: KubeConfig;
  /** The files that existed, joined with the path delimiter. */
  path: string;
  files: string[];
}

/**
 * Reads a kubeconfig path list (KUBECONFIG syntax). As kubectl does: the first file that sets
 * current-context wins, and the first entry of a given name wins (client-node's mergeConfig would
 * throw on a duplicate name instead). Null when none of the files exists.
 */
export function loadKubeconfig(pathList: string): LoadedKubeconfig | null {
  const files = pathList.split(path.delimiter).filter((p) => p !== '' && existsSync(p));
  if (files.length === 0) return null;
  const kc = new KubeConfig();
  kc.loadFromFile(files[0] as string);
  for (const more of files.slice(1)) {
    const extra = new KubeConfig();
    extra.loadFromFile(more);
    if (!kc.getCurrentContext() && extra.getCurrentContext()) kc.setCurrentContext(extra.getCurrentContext());
    for (const c of extra.getClusters()) if (!kc.getCluster(c.name)) kc.addCluster(c);
    for (const u of extra.getUsers()) if (!kc.getUser(u.name)) kc.addUser(u);
    for (const c of extra.getContexts()) if (!kc.getContextObject(c.name)) kc.addContext(c);
  }
  return { kc, path: files.join(path.delimiter), files };
}

/** A client for one context of a loaded kubeconfig (its current context when none is named). */
export function clientForContext(loaded: LoadedKubeconfig, context?: string): FleetClient {
  const kc = new KubeConfig();
  const current = context ?? loaded.kc.getCurrentContext();
  if (!loaded.kc.getContextObject(current)) {
    throw new NoClusterConfiguredError(`The kubeconfig (${loaded.path}) has no context "${current}"`);
  }
  kc.loadFromOptions({
    clusters: loaded.kc.getClusters(),
    users: loaded.kc.getUsers(),
    contexts: loaded.kc.getContexts(),
    currentContext: current,
  });
  const cluster = kc.getCurrentCluster();
  const marked = cluster ? hasBuiltInExtension(loaded.files, cluster.name) : false;
  return finish(kc, 'kubeconfig', loaded.path, marked);
}

/**
 * client-node's in-cluster config (API server from KUBERNETES_SERVICE_HOST/PORT, the token re-read
 * from its file as the kubelet rotates it), with the CA and token taken from `dir`.
 */
function loadServiceAccount(kc: KubeConfig, dir: string): void {
  kc.loadFromCluster();
  if (dir === SERVICE_ACCOUNT_DIR) return;
  const cluster = kc.getCurrentCluster();
  const user = kc.getCurrentUser();
  if (!cluster || !user) return;
  kc.loadFromClusterAndUser(
    { ...cluster, caFile: path.join(dir, 'ca.crt') },
    { ...user, authProvider: { name: 'tokenFile', config: { tokenFile: path.join(dir, 'token') } } },
  );
}

function finish(kc: KubeConfig, source: FleetClient['source'], kubeconfigPath: string | undefined, builtInMarked: boolean): FleetClient {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new NoClusterConfiguredError('The kubeconfig names no current cluster');
  const user = kc.getCurrentUser();
  const contextName = source === 'kubeconfig' ? kc.getCurrentContext() : undefined;
  return {
    key: `${source}|${kubeconfigPath ?? ''}|${contextName ?? ''}|${cluster.server}`,
    kc,
    source,
    kubeconfigPath,
    contextName,
    clusterName: source === 'in-cluster' ? 'in-cluster' : cluster.name,
    server: cluster.server,
    identity: { user: source === 'in-cluster' ? 'serviceaccount' : (user?.name ?? 'unknown'), context: contextName },
    builtInMarked,
  };
}

/** client-node drops unknown keys, so read the raw file for the cluster entry's extensions. */
function hasBuiltInExtension(files: string[], clusterName: string): boolean {
  for (const f of files) {
    try {
      const doc = yaml.load(readFileSync(f, 'utf8')) as {
        clusters?: Array<{ name?: string; cluster?: { extensions?: Array<{ name?: string }> } }>;
      } | null;
      const entry = doc?.clusters?.find((c) => c.name === clusterName);
      if (entry?.cluster?.extensions?.some((e) => e.name === BUILT_IN_EXTENSION)) return true;
    } catch {
      // An unreadable extra file only costs us the hint; /version still tells.
    }
  }
  return false;
}

/** Where the server looks for clusters: KUBECONFIG (one or more paths), else ~/.kube/config; and the pod's service account. */
export interface ClusterSources {
  /** Existing kubeconfig files, joined with the path delimiter; undefined when there is none. */
  kubeconfigPath?: string;
  /** Running in a pod with a service-account token. */
  inCluster: boolean;
}

export function clusterSources(env: NodeJS.ProcessEnv = process.env): ClusterSources {
  const inCluster = !!env.KUBERNETES_SERVICE_HOST && existsSync(path.join(serviceAccountDir(env), 'token'));
  const fromEnv = (env.KUBECONFIG ?? '').split(path.delimiter).filter((p) => p && existsSync(p));
  if (fromEnv.length > 0) return { kubeconfigPath: fromEnv.join(path.delimiter), inCluster };
  const home = path.join(homedir(), '.kube', 'config');
  if (existsSync(home)) return { kubeconfigPath: home, inCluster };
  return { inCluster };
}

export const NO_CLUSTER_MESSAGE =
  'No cluster configured: set KUBECONFIG, create ~/.kube/config, run in a pod, or start with `npm start` (built-in clusters).';

/**
 * The same cluster, reached with someone else's bearer token (a signed-in user's, or one an
 * authenticating proxy forwarded): the cluster entry and CA of `base`, nothing of its user.
 */
export function clientWithToken(base: FleetClient, user: string, token: string): FleetClient {
  const cluster = base.kc.getCurrentCluster();
  if (!cluster) throw new NoClusterConfiguredError('The kubeconfig names no current cluster');
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [cluster],
    users: [{ name: user, token }],
    contexts: [{ name: 'user', cluster: cluster.name, user }],
    currentContext: 'user',
  });
  return {
    ...base,
    key: `${base.key}|token:${createHash('sha256').update(token).digest('hex').slice(0, 16)}`,
    kc,
    identity: { user, context: base.identity.context },
    impersonate: undefined,
  };
}

/** The same cluster and credentials, impersonating a user and their groups. */
export function clientImpersonating(base: FleetClient, user: string, groups: string[]): FleetClient {
  return {
    ...base,
    key: `${base.key}|as:${JSON.stringify([user, ...groups])}`,
    identity: { user, context: base.identity.context },
    impersonate: { user, groups },
  };
}
