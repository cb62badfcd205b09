import 'server-only';
import {
  dialogContext,
  guardInfo,
  type RolloutDialogContext,
  type RolloutPanel,
  type RolloutSnapshot,
  rolloutSnapshot,
} from '@/lib/fleet/rollout-preview';
import { rolloutAccess } from './access-review';
import { type FleetCache, sharedFleetCache } from './cache';
import type { FleetSession } from './fleet';
import { rolloutGuardStatus } from './guard';

/**
 * One SidecarSet's rollout snapshot (lib/fleet/rollout-preview.ts) from the shared watch cache,
 * never a list per request. Null when the SidecarSet does not exist.
 */
export async function rolloutContext(session: FleetSession, name: string, cache?: FleetCache): Promise<RolloutSnapshot | null> {
  const c = cache ?? sharedFleetCache(session.client);
  await c.ready(10_000);
  return rolloutSnapshot(c.snapshot(), name);
}

/**
 * May the server's identity act on this SidecarSet, and what does its rollout guard say? A
 * failure to ask reads as "may not", with the reason shown beside the disabled buttons.
 */
export async function getRolloutPanel(session: FleetSession, name: string): Promise<RolloutPanel> {
  try {
    const [access, ctx] = await Promise.all([rolloutAccess(session, name), rolloutContext(session, name)]);
    const panel: RolloutPanel = { canPatch: access.canPatch };
    if (access.reason) panel.reason = access.reason;
    if (ctx) {
      const info = guardInfo(ctx.sidecarSet);
      if (info.configured) panel.guard = { ...info, status: rolloutGuardStatus(session.client, name)?.message };
    }
    return panel;
  } catch (e) {
    return { canPatch: false, reason: e instanceof Error ? e.message : 'The cluster could not be asked.' };
  }
}

/** Fleet-wide: may the server's identity patch SidecarSets at all (overview rows, pause-all)? */
export async function getFleetRolloutAccess(session: FleetSession): Promise<RolloutPanel> {
  try {
    const access = await rolloutAccess(session);
    return access.reason ? { canPatch: access.canPatch, reason: access.reason } : { canPatch: access.canPatch };
  } catch (e) {
    return { canPatch: false, reason: e instanceof Error ? e.message : 'The cluster could not be asked.' };
  }
}

/** What the rollout dialogs offer for this SidecarSet; null when it does not exist. */
export async function getRolloutDialog(session: FleetSession, name: string): Promise<RolloutDialogContext | null> {
  const ctx = await rolloutContext(session, name);
  return ctx ? dialogContext(ctx) : null;
}
