import 'server-only';
import { rolloutsInProgress } from '@/lib/fleet/pause-all';
import { buildPause, seenFrom } from '@/lib/fleet/rollout-actions';
import { type FleetCache, sharedFleetCache } from './cache';
import { ok, type Result } from './errors';
import type { FleetSession } from './fleet';
import { applyRolloutChange } from './rollout-writes';

/** "Pause every rollout in progress": one pause per SidecarSet lib/fleet/pause-all.ts picks, each with its own audit Event. */

export interface PauseAllOutcome {
  paused: string[];
  failed: Array<{ name: string; message: string }>;
  /** In progress but already paused (nothing to do). */
  skipped: string[];
}

export async function pauseAllRollouts(session: FleetSession, cache?: FleetCache): Promise<Result<PauseAllOutcome>> {
  const c = cache ?? sharedFleetCache(session.client);
  await c.ready(10_000);
  const result: PauseAllOutcome = { paused: [], failed: [], skipped: [] };
  for (const ss of rolloutsInProgress(c.snapshot())) {
    const built = buildPause(seenFrom(ss));
    if (!built.ok) {
      result.skipped.push(ss.metadata.name);
      continue;
    }
    const r = await applyRolloutChange(session, ss.metadata.name, built.change, { cache: c });
    if (r.ok) result.paused.push(ss.metadata.name);
    else result.failed.push({ name: ss.metadata.name, message: r.error.message });
  }
  return ok(result);
}
