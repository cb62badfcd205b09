import 'server-only';
import { type Scope, SEE_EVERYTHING, type Visibility, visibility } from '@/lib/fleet/visibility';
import { reviewAccess } from './access-review';
import { kruiseNamespace } from './config';
import type { FleetSession } from './fleet';
import { SIDECARSET_GROUP, SIDECARSET_PLURAL } from './sidecarset-api';

/**
 * What a session may list, asked of the cluster as that session (SelfSubjectAccessReviews with its
 * token or impersonation): cluster-wide first, namespace by namespace only where that is refused.
 * Remembered for VISIBILITY_TTL_MS per session, so a page view costs no review once warm and a
 * revoked permission shows within that time.
 */
const VISIBILITY_TTL_MS = 30_000;
const CONCURRENCY = 8;

async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

async function allowed(session: FleetSession, verb: string, group: string, resource: string, namespace?: string): Promise<boolean> {
  const r = await reviewAccess(session, { verb, group, resource, ...(namespace ? { namespace } : {}) });
  // A review that could not be made grants nothing.
  return r.ok && r.value.allowed;
}

async function scopeOf(session: FleetSession, group: string, resource: string, namespaces: string[]): Promise<Scope> {
  if (await allowed(session, 'list', group, resource)) return 'all';
  const per = await mapLimit(namespaces, CONCURRENCY, async (ns) =>
    (await allowed(session, 'list', group, resource, ns)) ? ns : undefined,
  );
  return new Set(per.filter((ns): ns is string => ns !== undefined));
}

export async function computeVisibility(session: FleetSession, namespaces: string[], kruiseNamespace: string): Promise<Visibility> {
  const [pods, events, workloads, sidecarSets, revisions, listNamespaces] = await Promise.all([
    scopeOf(session, '', 'pods', namespaces),
    scopeOf(session, '', 'events', namespaces),
    scopeOf(session, 'apps', 'deployments', namespaces),
    allowed(session, 'list', SIDECARSET_GROUP, SIDECARSET_PLURAL),
    allowed(session, 'list', 'apps', 'controllerrevisions', kruiseNamespace),
    allowed(session, 'list', '', 'namespaces'),
  ]);
  return visibility({ pods, events, workloads, sidecarSets, revisions, namespaces: listNamespaces });
}

const KEY = Symbol.for('sidecar-fleet.visibility');
type Holder = { [KEY]?: Map<string, { at: number; value: Promise<Visibility> }> };

/**
 * The session's visibility; the server's own session (local mode) sees what its cache holds.
 * `namespaces` are the ones the shared cache knows: the only ones there is anything to show of.
 */
export function visibilityFor(
  session: FleetSession,
  namespaces: () => string[],
  opts: { serverIdentity: boolean; kruiseNamespace?: string },
): Promise<Visibility> {
  if (opts.serverIdentity) return Promise.resolve(SEE_EVERYTHING);
  const g = globalThis as Holder;
  g[KEY] ??= new Map();
  const key = session.client.key;
  const now = Date.now();
  const hit = g[KEY].get(key);
  if (hit && now - hit.at < VISIBILITY_TTL_MS) return hit.value;
  if (g[KEY].size > 5_000) g[KEY].clear();
  const value = computeVisibility(session, namespaces(), opts.kruiseNamespace ?? kruiseNamespace());
  g[KEY].set(key, { at: now, value });
  value.catch(() => g[KEY]?.delete(key));
  return value;
}
