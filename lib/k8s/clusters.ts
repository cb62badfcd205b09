import 'server-only';
import type { ClustersList, ConfiguredCluster } from '@/lib/fleet/views';
import { logger } from '@/lib/log';
import {
  type ClusterSources,
  clientForContext,
  clusterSources,
  createFleetClient,
  type FleetClient,
  type LoadedKubeconfig,
  loadKubeconfig,
  NO_CLUSTER_MESSAGE,
  NoClusterConfiguredError,
} from './config';

/**
 * The clusters this dashboard shows: every context of the kubeconfig(s) and the pod's service
 * account, narrowed by the configuration. Each gets a display name and a URL-safe id (`/c/<id>/…`).
 * Decided once per process from the environment, on first use (never at import: `next build`).
 *
 *   SIDECAR_FLEET_CONTEXTS          contexts to show, comma-separated, `*` as a wildcard (default: all)
 *   SIDECAR_FLEET_EXCLUDE_CONTEXTS  contexts to leave out, same syntax (`in-cluster` names the service account)
 *   SIDECAR_FLEET_CONTEXT           one context only (the older single-cluster setting)
 *   SIDECAR_FLEET_CLUSTER_NAMES     display names, `context=Name,other=Other name`
 *
 * The default cluster (where `/` leads) is the kubeconfig's current context when shown, else the first.
 */

/** The pseudo-context name of the pod's service account, for the include/exclude lists. */
export const IN_CLUSTER = 'in-cluster';

export interface ClusterSettings {
  include?: string[];
  exclude?: string[];
  /** context → display name. */
  names?: Record<string, string>;
}

/** One context as the kubeconfig defines it. */
export interface ContextEntry {
  name: string;
  /** Its cluster entry name, and that entry's server, when the entry exists. */
  cluster: string;
  server?: string;
  user: string;
  /** The context names a cluster or user the kubeconfig does not define. */
  broken?: string;
}

/**
 * A cluster of the configuration. `id` is URL-safe and unique (the path segment of /c/<id>/);
 * `name` is what people read: the configured name, else the kubeconfig cluster's, else the context's.
 */
export type ClusterConfig = ConfiguredCluster;

export interface ClusterSelection {
  clusters: ClusterConfig[];
  defaultId?: string;
  /** Configuration that matched nothing, said once in the server log and on /clusters. */
  warnings: string[];
}

/** `*` matches any run of characters; everything else literally. */
export function contextPattern(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*');
  return new RegExp(`^${escaped}$`);
}

/** A URL path segment from a name: lower case, [a-z0-9._-], never empty. */
export function clusterSlug(name: string): string {
  const s = name
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '');
  return s || 'cluster';
}

/** Splits a comma-separated setting, dropping blanks. */
export function listSetting(value: string | undefined): string[] | undefined {
  const items = (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return items.length > 0 ? items : undefined;
}

/** `a=Name,b=Other` → { a: 'Name', b: 'Other' }. */
export function namesSetting(value: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of listSetting(value) ?? []) {
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(eq + 1).trim()) out[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return out;
}

export function settingsFromEnv(env: Record<string, string | undefined> = process.env): ClusterSettings {
  const single = env.SIDECAR_FLEET_CONTEXT?.trim();
  const include = listSetting(env.SIDECAR_FLEET_CONTEXTS) ?? (single ? [single] : undefined);
  const out: ClusterSettings = { names: namesSetting(env.SIDECAR_FLEET_CLUSTER_NAMES) };
  if (include) out.include = include;
  const exclude = listSetting(env.SIDECAR_FLEET_EXCLUDE_CONTEXTS);
  if (exclude) out.exclude = exclude;
  return out;
}

/**
 * Which contexts become clusters, with their names and ids. Pure: the kubeconfig's contexts (in
 * file order), its current context, whether a service account is there, and the settings.
 */
export function selectClusters(
  contexts: readonly ContextEntry[],
  currentContext: string | undefined,
  inCluster: boolean,
  settings: ClusterSettings,
): ClusterSelection {
  const include = settings.include?.map((p) => ({ p, re: contextPattern(p), used: false }));
  const exclude = settings.exclude?.map((p) => ({ p, re: contextPattern(p), used: false }));
  const wanted = (name: string) => {
    const inc = include ? include.filter((i) => i.re.test(name)) : [];
    const exc = exclude ? exclude.filter((e) => e.re.test(name)) : [];
    for (const m of [...inc, ...exc]) m.used = true;
    return (!include || inc.length > 0) && exc.length === 0;
  };
  const chosen: Array<Omit<ClusterConfig, 'id' | 'name'> & { clusterEntry?: string }> = [];
  for (const c of contexts) {
    if (!wanted(c.name)) continue;
    const entry: (typeof chosen)[number] = { source: 'kubeconfig', context: c.name, user: c.user, clusterEntry: c.cluster };
    if (c.server) entry.server = c.server;
    if (c.broken) entry.error = c.broken;
    chosen.push(entry);
  }
  if (inCluster && wanted(IN_CLUSTER)) chosen.push({ source: 'in-cluster', user: 'serviceaccount' });

  // A cluster entry used by one shown context names it; several contexts on one cluster entry
  // (one per user, say) are told apart by their context names.
  const perEntry = new Map<string, number>();
  for (const c of chosen) if (c.clusterEntry) perEntry.set(c.clusterEntry, (perEntry.get(c.clusterEntry) ?? 0) + 1);
  const taken = new Set<string>();
  const clusters: ClusterConfig[] = chosen.map(({ clusterEntry, ...c }) => {
    const configured = c.context ? settings.names?.[c.context] : settings.names?.[IN_CLUSTER];
    const name =
      configured ??
      (c.source === 'in-cluster' ? IN_CLUSTER : clusterEntry && perEntry.get(clusterEntry) === 1 ? clusterEntry : (c.context as string));
    const base = clusterSlug(name);
    let id = base;
    for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
    taken.add(id);
    return { id, name, ...c };
  });

  const warnings: string[] = [];
  for (const i of include ?? []) if (!i.used) warnings.push(`No context matches "${i.p}" in the include list (SIDECAR_FLEET_CONTEXTS).`);
  for (const e of exclude ?? [])
    if (!e.used) warnings.push(`No context matches "${e.p}" in the exclude list (SIDECAR_FLEET_EXCLUDE_CONTEXTS).`);
  const current = clusters.find((c) => c.context !== undefined && c.context === currentContext);
  const selection: ClusterSelection = { clusters, warnings };
  const defaultId = current?.id ?? clusters[0]?.id;
  if (defaultId) selection.defaultId = defaultId;
  return selection;
}

/** The contexts of a loaded kubeconfig, in file order, with what each one lacks. */
export function contextEntries(loaded: LoadedKubeconfig): ContextEntry[] {
  return loaded.kc.getContexts().map((c) => {
    const cluster = loaded.kc.getCluster(c.cluster);
    const entry: ContextEntry = { name: c.name, cluster: c.cluster, user: c.user };
    if (cluster) entry.server = cluster.server;
    if (!cluster) entry.broken = `The context "${c.name}" names the cluster "${c.cluster}", which the kubeconfig does not define.`;
    else if (!loaded.kc.getUser(c.user))
      entry.broken = `The context "${c.name}" names the user "${c.user}", which the kubeconfig does not define.`;
    return entry;
  });
}

export interface ClusterRegistry extends ClusterSelection {
  sources: ClusterSources;
  /** Set when no cluster at all is configured. */
  error?: string;
}

export class UnknownClusterError extends Error {
  override name = 'UnknownClusterError';
  constructor(
    readonly id: string,
    readonly known: string[],
  ) {
    super(
      known.length > 0
        ? `No cluster "${id}" is configured here. Configured clusters: ${known.join(', ')}.`
        : `No cluster "${id}" is configured here: ${NO_CLUSTER_MESSAGE}`,
    );
  }
}

interface RegistryState {
  registry: ClusterRegistry;
  loaded: LoadedKubeconfig | null;
  clients: Map<string, FleetClient>;
}

const REGISTRY_KEY = Symbol.for('sidecar-fleet.clusters');
type RegistryHolder = { [REGISTRY_KEY]?: RegistryState };

function build(env: NodeJS.ProcessEnv): RegistryState {
  const sources = clusterSources(env);
  let loaded: LoadedKubeconfig | null = null;
  const warnings: string[] = [];
  if (sources.kubeconfigPath) {
    try {
      loaded = loadKubeconfig(sources.kubeconfigPath);
    } catch (e) {
      warnings.push(`The kubeconfig ${sources.kubeconfigPath} could not be read: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const selection = selectClusters(
    loaded ? contextEntries(loaded) : [],
    loaded?.kc.getCurrentContext() || undefined,
    sources.inCluster,
    settingsFromEnv(env),
  );
  selection.warnings.unshift(...warnings);
  const registry: ClusterRegistry = { ...selection, sources };
  if (selection.clusters.length === 0) {
    registry.error =
      loaded || sources.inCluster
        ? 'No cluster left to show: the include and exclude lists match none of the configured contexts.'
        : NO_CLUSTER_MESSAGE;
  }
  for (const w of registry.warnings) logger('clusters').warn(w);
  return { registry, loaded, clients: new Map() };
}

function state(): RegistryState {
  const g = globalThis as RegistryHolder;
  g[REGISTRY_KEY] ??= build(process.env);
  return g[REGISTRY_KEY];
}

/** The configured clusters (read from the environment on first use). */
export function clusterRegistry(): ClusterRegistry {
  return state().registry;
}

export function findCluster(id: string): ClusterConfig | undefined {
  return state().registry.clusters.find((c) => c.id === id);
}

/** The configured cluster with this id, or an UnknownClusterError naming the ones there are. */
export function requireCluster(id: string): ClusterConfig {
  const found = findCluster(id);
  if (!found)
    throw new UnknownClusterError(
      id,
      clusterRegistry().clusters.map((c) => c.id),
    );
  return found;
}

/** The connection to a configured cluster, created on first use and kept for the process. */
export function clusterClient(id: string): FleetClient {
  const s = state();
  const hit = s.clients.get(id);
  if (hit) return hit;
  const config = requireCluster(id);
  if (config.error) throw new NoClusterConfiguredError(config.error);
  let client: FleetClient;
  if (config.source === 'in-cluster') client = createFleetClient({ inCluster: true });
  else if (s.loaded) client = clientForContext(s.loaded, config.context);
  else throw new NoClusterConfiguredError(NO_CLUSTER_MESSAGE);
  s.clients.set(id, client);
  return client;
}

/**
 * The default cluster's connection: where token-mode sign-in asks who a token belongs to, and
 * where the proxy layer checks a forwarded token before any page names a cluster.
 */
export function defaultClusterClient(): FleetClient {
  const r = clusterRegistry();
  const id = r.defaultId ?? r.clusters[0]?.id;
  if (!id) throw new NoClusterConfiguredError(r.error ?? NO_CLUSTER_MESSAGE);
  return clusterClient(id);
}

/** The configuration as the browser may see it (no credentials: names, contexts, servers). */
export function listClusters(): ClustersList {
  const r = clusterRegistry();
  const out: ClustersList = { clusters: r.clusters, warnings: r.warnings };
  if (r.defaultId) out.defaultId = r.defaultId;
  if (r.error) out.error = r.error;
  return out;
}

/** Forgets the configuration (tests that change the environment). */
export function resetClusterRegistry(): void {
  delete (globalThis as RegistryHolder)[REGISTRY_KEY];
}
