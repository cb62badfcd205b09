import 'server-only';
import { rolloutsInProgress } from '@/lib/fleet/pause-all';
import { buildPause, seenFrom } from '@/lib/fleet/rollout-actions';
import type { FleetCache } from './cache';
import { ok, type Result } from './errors';
import { type FleetSession, fleetReader } from './fleet';
import { applyRolloutChange } from './rollout-writes';

/** "Pause every rollout in progress": one pause per SidecarSet lib/fleet/pause-all.ts picks, each with its own audit Event. */

export interface PauseAllOutcome {
  paused: string[];
  failed: Array<{ name: string; message: string }>;
  /** In progress but already paused (nothing to do). */
  skipped: string[];
}

/**
 * Pauses as `session` (the person acting), from the server's shared cache; the audit Events are
 * written by `auditSession` (the dashboard's own identity) and name the person.
 */
export async function pauseAllRollouts(
  session: FleetSession,
  opts: { cache?: FleetCache; auditSession?: FleetSession } = {},
): Promise<Result<PauseAllOutcome>> {
  // The cluster's shared cache: the audit session is the server's own there (the acting one in tests).
  const c = opts.cache ?? fleetReader(opts.auditSession ?? session).cache;
  await c.ready(10_000);
  const result: PauseAllOutcome = { paused: [], failed: [], skipped: [] };
  for (const ss of rolloutsInProgress(c.snapshot())) {
    const built = buildPause(seenFrom(ss));
    if (!built.ok) {
      result.skipped.push(ss.metadata.name);
      continue;
    }
    const r = await applyRolloutChange(session, ss.metadata.name, built.change, { cache: c, auditSession: opts.auditSession });
    if (r.ok) result.paused.push(ss.metadata.name);
    else result.failed.push({ name: ss.metadata.name, message: r.error.message });
  }
  return ok(result);
}
