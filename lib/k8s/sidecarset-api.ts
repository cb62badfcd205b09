import 'server-only';
import type { FleetCache } from './cache';
import { discover } from './discovery';
import { fail, ok, type Result } from './errors';
import type { FleetSession } from './fleet';

/** Where SidecarSets are served: apps.kruise.io, cluster-scoped, in the version discovery found. */
export const SIDECARSET_GROUP = 'apps.kruise.io';
export const SIDECARSET_PLURAL = 'sidecarsets';

/**
 * The served SidecarSet version (v1beta1 or v1alpha1), from the discovery of the cluster's shared
 * cache when one is given (never a cache per person), else asked as `session`.
 */
export async function kruiseVersion(session: FleetSession, cache?: FleetCache): Promise<Result<string>> {
  const known = cache?.discovery?.kruiseVersion;
  if (known) return ok(known);
  const d = await discover(session.client);
  if (d.kruiseVersion) return ok(d.kruiseVersion);
  return fail(d.error ?? { kind: 'NotFound', message: 'This cluster serves no SidecarSets (OpenKruise is not installed).' });
}
