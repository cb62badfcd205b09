import 'server-only';
import {
  guardInfo,
  type RolloutDialogContext,
  type RolloutPanel,
  type RolloutSnapshot,
  rolloutSnapshot,
} from '@/lib/fleet/rollout-preview';
import { visibleDialog } from '@/lib/fleet/rollout-visibility';
import { rolloutAccess } from './access-review';
import { requestSession } from './auth/request';
import type { FleetCache } from './cache';
import type { K8sError } from './errors';
import { type FleetSession, fleetReader, requestVisibility } from './fleet';
import { rolloutGuardStatus } from './guard';

/**
 * One SidecarSet's rollout snapshot (lib/fleet/rollout-preview.ts) from the shared watch cache,
 * never a list per request: the server's view of `server`'s cluster, every pod, since Kruise plans over every pod.
 * Whatever reaches a person from it is cut to their visibility. Null when the SidecarSet does not exist.
 */
export async function rolloutContext(server: FleetSession, name: string, cache?: FleetCache): Promise<RolloutSnapshot | null> {
  return rolloutSnapshot(await everyPod(cache ?? fleetReader(server).cache), name);
}

/** The cache's snapshot once its first lists are complete: what a plan over every pod may read. */
async function everyPod(c: FleetCache) {
  await c.ready(10_000);
  const listing = c.firstListing();
  if (listing) throw new StillListing(listing);
  return c.snapshot();
}

/** A preview over part of the pods would be wrong: refused (503) until the first lists complete. */
export class StillListing extends Error implements K8sError {
  override name = 'StillListing';
  readonly kind = 'Unavailable' as const;
  readonly code = 503;
  constructor(listing: { resource: string; listed: number; total?: number }) {
    super(
      `The dashboard is still reading this cluster (${listing.listed}${listing.total ? ` of ${listing.total}` : ''} ${listing.resource} so far). ` +
        'Rollout previews and actions plan over every pod, as Kruise does: try again in a few seconds.',
    );
  }
}

/**
 * May the person asking act on this SidecarSet, and what does its rollout guard say? A failure to
 * ask reads as "may not", with the reason shown beside the disabled buttons.
 */
export async function getRolloutPanel(server: FleetSession, name: string): Promise<RolloutPanel> {
  const session = await requestSession(server);
  try {
    const [access, ctx] = await Promise.all([rolloutAccess(session, name), rolloutContext(server, name)]);
    const panel: RolloutPanel = { canPatch: access.canPatch };
    if (access.reason) panel.reason = access.reason;
    if (ctx) {
      const info = guardInfo(ctx.sidecarSet);
      if (info.configured) panel.guard = { ...info, status: rolloutGuardStatus(server.client, name)?.message };
    }
    return panel;
  } catch (e) {
    return { canPatch: false, reason: e instanceof Error ? e.message : 'The cluster could not be asked.' };
  }
}

/** Fleet-wide: may the person asking patch SidecarSets at all in this cluster (overview rows, pause-all)? */
export async function getFleetRolloutAccess(server: FleetSession): Promise<RolloutPanel> {
  const session = await requestSession(server);
  try {
    const access = await rolloutAccess(session);
    return access.reason ? { canPatch: access.canPatch, reason: access.reason } : { canPatch: access.canPatch };
  } catch (e) {
    return { canPatch: false, reason: e instanceof Error ? e.message : 'The cluster could not be asked.' };
  }
}

/** What the rollout dialogs offer this person for this SidecarSet; null when it does not exist (for them). */
export async function getRolloutDialog(server: FleetSession, name: string): Promise<RolloutDialogContext | null> {
  const reader = fleetReader(server);
  const v = await requestVisibility(reader, server);
  if (!v.sidecarSets) return null;
  return visibleDialog(await everyPod(reader.cache), name, v);
}
