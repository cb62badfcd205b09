'use server';

import { randomBytes } from 'node:crypto';
import { revalidatePath } from 'next/cache';
import { clusterPath } from '@/components/shell/cluster-paths';
import type { ActionState, PauseAllOutcome, PauseAllState } from '@/components/rollout/types';
import { parseIntOrPercent } from '@/lib/fleet/int-or-percent';
import {
  type BuildResult,
  buildCanary,
  buildPause,
  buildPromote,
  buildResume,
  buildRollback,
  type PromoteStep,
  revisionImages,
} from '@/lib/fleet/rollout-actions';
import { previewChange, type RolloutSnapshot, type ScopeInput, resolveScope, serverSeen, staleView } from '@/lib/fleet/rollout-preview';
import { visiblePreview } from '@/lib/fleet/rollout-visibility';
import { rolloutAccess } from '@/lib/k8s/access-review';
import { requestSession } from '@/lib/k8s/auth/request';
import { clusterRegistry } from '@/lib/k8s/clusters';
import { clusterSession, type FleetSession, fleetReader, requestVisibility } from '@/lib/k8s/fleet';
import { pauseAllRollouts as pauseEveryRollout } from '@/lib/k8s/pause-all';
import { rolloutContext } from '@/lib/k8s/rollout-reads';
import { applyRolloutChange } from '@/lib/k8s/rollout-writes';
import { CONFLICT_MESSAGE } from '@/lib/k8s/write-errors';
import { logger } from '@/lib/log';
import {
  CANARY_FORM,
  formFields,
  invalidForm,
  PAUSE_ALL_FORM,
  PAUSE_FORM,
  PROMOTE_FORM,
  RESUME_FORM,
  ROLLBACK_FORM,
  wholeNumber,
} from './input';

/*
 * The rollout buttons' server actions. Each one is thin and distrusts its input: zod (./input.ts,
 * the cluster checked against the configured ones) → the domain (lib/fleet builds the change and
 * previews it, refusing what Kruise would refuse or what would update no pod) → lib/k8s (access
 * review, the one PATCH, the audit Event) → revalidate. They return { ok, message, fieldErrors,
 * cluster } — every answer names the cluster it acted on — and never let an exception or an
 * ApiException reach the browser. Reads (the buttons' access, the dialogs' choices) are route
 * handlers under app/api/c/[cluster]/sidecarsets/[name]/rollout.
 */

const log = logger('rollout');

function refused(message: string, fieldErrors?: Record<string, string[]>): ActionState {
  return { ok: false, message: `Nothing was changed: ${message}`, ...(fieldErrors ? { fieldErrors } : {}), at: Date.now() };
}

/**
 * For a parsed form's cluster: the server's session there (its cache, its audit Events), the
 * person's session there (every write and access review), and a function that labels each answer
 * with that cluster.
 */
async function inCluster(
  id: string,
): Promise<{ server: FleetSession; session: FleetSession; label: <T extends ActionState>(state: T) => T }> {
  const server = clusterSession(id);
  const session = await requestSession(server);
  const cluster = server.cluster;
  return { server, session, label: (state) => (cluster ? { ...state, cluster } : state) };
}

/** Runs an action body; anything unexpected becomes a message, never a stack trace. */
async function guarded<T extends ActionState>(fn: () => Promise<T>): Promise<T | ActionState> {
  try {
    return await fn();
  } catch (e) {
    // No cluster configured, no longer signed in, or the cluster still being read: the message says what to do.
    const noCluster =
      e instanceof Error && (e.name === 'NoClusterConfiguredError' || e.name === 'NotSignedIn' || e.name === 'StillListing');
    // One line, no stack: the person gets a message; the log says what failed.
    if (!noCluster) log.error({ error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) }, 'rollout action failed');
    return { ok: false, message: noCluster ? (e as Error).message : 'The server could not complete the action.', at: Date.now() };
  }
}

async function loadSnapshot(server: FleetSession, name: string): Promise<RolloutSnapshot | ActionState> {
  const snapshot = await rolloutContext(server, name);
  return snapshot ?? { ok: false, message: `The SidecarSet ${name} does not exist (any more).`, at: Date.now() };
}

function isState(v: RolloutSnapshot | ActionState): v is ActionState {
  return 'ok' in v;
}

/** Preview a built change, or apply it when the preview allows it. */
async function previewOrApply(
  server: FleetSession,
  session: FleetSession,
  snapshot: RolloutSnapshot,
  built: BuildResult,
  intent: 'preview' | 'apply',
  done: string,
): Promise<ActionState> {
  if (!built.ok) return refused(built.message, built.fieldErrors);
  const previewed = previewChange(snapshot, built.change);
  // The change's guards already fail against the cached SidecarSet: someone changed it since.
  if (!previewed.ok) return { ok: false, message: CONFLICT_MESSAGE, at: Date.now() };
  // Planned over every pod, shown with the names this person may see.
  const preview = visiblePreview(previewed.preview, await requestVisibility(fleetReader(server), server));
  if (intent === 'preview') {
    return { ok: true, message: `Preview ready: ${preview.summary}.`, preview, warnings: preview.warnings, at: Date.now() };
  }
  if (preview.refusal) return { ...refused(preview.refusal), preview };
  const name = snapshot.sidecarSet.metadata.name;
  const r = await applyRolloutChange(session, name, built.change, { auditSession: server });
  if (!r.ok) {
    return { ok: false, message: r.error.message, preview, at: Date.now() };
  }
  // No revalidatePath here: the dialogs submit inside a transition, and a router refresh riding
  // on that transition kept it pending. The live views refetch when the dialog reports success.
  const warnings = [...preview.warnings];
  if (r.value.eventError) warnings.push(r.value.eventError);
  const labelled = r.value.labelled;
  if (labelled && labelled.failed.length > 0) {
    warnings.push(
      `${labelled.failed.length} pods could not be labelled for the canary and stay out of it (first: ${labelled.failed[0]?.pod}: ${labelled.failed[0]?.message}).`,
    );
  }
  const next = preview.paused
    ? 'The rollout is paused: resume it to update pods.'
    : `The next round updates ${preview.nextRoundTotal} pod${preview.nextRoundTotal === 1 ? '' : 's'}; ${preview.coverTotal} of ${preview.matched} will run it.`;
  return { ok: true, applied: true, message: `${done}: ${built.change.summary}. ${next}`, preview, warnings, at: Date.now() };
}

export async function startCanary(_prev: ActionState, form: FormData): Promise<ActionState> {
  return guarded(async () => {
    const parsed = CANARY_FORM.safeParse(formFields(form));
    if (!parsed.success) return invalidForm(parsed.error);
    const v = parsed.data;
    let scopeInput: ScopeInput;
    if (v.scope === 'percent' || v.scope === 'count') {
      const amount = wholeNumber(v.scope === 'percent' ? 'a percentage' : 'a number of pods').safeParse(v.amount);
      if (!amount.success) {
        const msg = amount.error.issues[0]?.message ?? 'Enter a number.';
        return refused(msg, { amount: [msg] });
      }
      scopeInput = v.scope === 'percent' ? { kind: 'percent', percent: amount.data } : { kind: 'count', count: amount.data };
    } else if (v.scope === 'namespace') scopeInput = { kind: 'namespace', namespace: v.namespace ?? '' };
    else if (v.scope === 'workload') scopeInput = { kind: 'workload', workload: v.workload ?? '' };
    else scopeInput = { kind: 'label', label: v.label ?? '' };

    const { server, session, label } = await inCluster(v.cluster);
    const snapshot = await loadSnapshot(server, v.name);
    if (isState(snapshot)) return label(snapshot);
    if (staleView(snapshot, v.seen)) return label({ ok: false, message: CONFLICT_MESSAGE, at: Date.now() });
    // A fresh token per apply: pods labelled by an earlier canary (or a failed attempt) stay out.
    const token = v.intent === 'apply' ? `c${Date.now().toString(36)}${randomBytes(3).toString('hex')}` : 'preview';
    const scope = resolveScope(snapshot, scopeInput, token);
    if ('error' in scope) return label(refused(scope.error, { scope: [scope.error] }));
    const built = buildCanary(serverSeen(snapshot, v.seen), {
      container: v.container,
      image: v.image,
      scope: scope.scope,
      ...(v.maxUnavailable !== undefined ? { maxUnavailable: parseIntOrPercent(v.maxUnavailable) } : {}),
      ...(v.confirmName ? { confirmName: v.confirmName } : {}),
    });
    return label(await previewOrApply(server, session, snapshot, built, v.intent, 'Canary started'));
  });
}

export async function promoteRollout(_prev: ActionState, form: FormData): Promise<ActionState> {
  return guarded(async () => {
    const parsed = PROMOTE_FORM.safeParse(formFields(form));
    if (!parsed.success) return invalidForm(parsed.error);
    const v = parsed.data;
    let step: PromoteStep;
    if (v.step === 'all') step = { kind: 'all' };
    else if (v.step === 'custom') {
      if (v.partition === undefined) return refused('enter a partition.', { partition: ['Enter a partition, e.g. 5 or "20%".'] });
      step = { kind: 'partition', partition: parseIntOrPercent(v.partition) };
    } else step = { kind: 'percent', percent: Number(v.step) };
    const { server, session, label } = await inCluster(v.cluster);
    const snapshot = await loadSnapshot(server, v.name);
    if (isState(snapshot)) return label(snapshot);
    if (staleView(snapshot, v.seen)) return label({ ok: false, message: CONFLICT_MESSAGE, at: Date.now() });
    const built = buildPromote(serverSeen(snapshot, v.seen), { step, ...(v.confirmName ? { confirmName: v.confirmName } : {}) });
    return label(await previewOrApply(server, session, snapshot, built, v.intent, 'Promoted'));
  });
}

export async function rollBack(_prev: ActionState, form: FormData): Promise<ActionState> {
  return guarded(async () => {
    const parsed = ROLLBACK_FORM.safeParse(formFields(form));
    if (!parsed.success) return invalidForm(parsed.error);
    const v = parsed.data;
    const { server, session, label } = await inCluster(v.cluster);
    const snapshot = await loadSnapshot(server, v.name);
    if (isState(snapshot)) return label(snapshot);
    if (staleView(snapshot, v.seen)) return label({ ok: false, message: CONFLICT_MESSAGE, at: Date.now() });
    // The images come from the cluster's ControllerRevision, never from the browser.
    const rev = snapshot.revisions.find((r) => r.metadata.name === v.revision);
    if (!rev) {
      const msg = `Revision ${v.revision} of ${v.name} is not in the revision history (any more).`;
      return label(refused(msg, { revision: [msg] }));
    }
    const containers = v.containers === undefined ? undefined : Array.isArray(v.containers) ? v.containers : [v.containers];
    const built = buildRollback(serverSeen(snapshot, v.seen), { revision: revisionImages(rev), ...(containers ? { containers } : {}) });
    return label(await previewOrApply(server, session, snapshot, built, v.intent, 'Rolled back'));
  });
}

export async function pauseRollout(_prev: ActionState, form: FormData): Promise<ActionState> {
  return guarded(async () => {
    const parsed = PAUSE_FORM.safeParse(formFields(form));
    if (!parsed.success) return invalidForm(parsed.error);
    const { cluster, name } = parsed.data;
    // Pause carries no guard on purpose: it must work whatever changed since the page loaded.
    return applyOneClick(
      cluster,
      name,
      (snapshot) => buildPause(serverSeen(snapshot)),
      `Paused ${name}: no further pod is updated until you resume. Pods already restarting finish.`,
    );
  });
}

export async function resumeRollout(_prev: ActionState, form: FormData): Promise<ActionState> {
  return guarded(async () => {
    const parsed = RESUME_FORM.safeParse(formFields(form));
    if (!parsed.success) return invalidForm(parsed.error);
    const { cluster, name, seen } = parsed.data;
    return applyOneClick(
      cluster,
      name,
      (snapshot) =>
        staleView(snapshot, seen) ? { ok: false, message: CONFLICT_MESSAGE, fieldErrors: {} } : buildResume(serverSeen(snapshot, seen)),
      `Resumed ${name}: the rollout continues.`,
    );
  });
}

/** Pause and resume: one click, no preview; the pages are revalidated since no dialog is open. */
async function applyOneClick(
  cluster: string,
  name: string,
  build: (snapshot: RolloutSnapshot) => BuildResult,
  success: string,
): Promise<ActionState> {
  const { server, session, label } = await inCluster(cluster);
  const snapshot = await loadSnapshot(server, name);
  if (isState(snapshot)) return label(snapshot);
  const built = build(snapshot);
  if (!built.ok) return label(refused(built.message, built.fieldErrors));
  const r = await applyRolloutChange(session, name, built.change, { auditSession: server });
  if (!r.ok) {
    return label({ ok: false, message: r.error.message, at: Date.now() });
  }
  revalidatePath(clusterPath(cluster, `/sidecarsets/${encodeURIComponent(name)}`));
  revalidatePath(clusterPath(cluster));
  return label({ ok: true, applied: true, message: success, warnings: r.value.eventError ? [r.value.eventError] : [], at: Date.now() });
}

/** Pauses every rollout in progress in one cluster, as the person asking; never throws. */
async function pauseAllIn(clusterId: string): Promise<PauseAllOutcome> {
  const config = clusterRegistry().clusters.find((c) => c.id === clusterId);
  const cluster = { id: clusterId, name: config?.name ?? clusterId };
  try {
    const { server, session } = await inCluster(clusterId);
    const access = await rolloutAccess(session);
    if (!access.canPatch) {
      log.warn(
        { action: 'pause-all', cluster: clusterId, actingAs: session.identity.user, result: 'forbidden' },
        access.reason ?? 'refused',
      );
      return { cluster, paused: [], failed: [], error: `Forbidden: ${access.reason}.` };
    }
    const r = await pauseEveryRollout(session, { auditSession: server });
    if (!r.ok) return { cluster, paused: [], failed: [], error: r.error.message };
    revalidatePath(clusterPath(clusterId));
    return { cluster, paused: r.value.paused, failed: r.value.failed };
  } catch (e) {
    log.error(
      { action: 'pause-all', cluster: clusterId, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) },
      'pause-all failed',
    );
    return { cluster, paused: [], failed: [], error: e instanceof Error ? e.message : 'The server could not complete the action.' };
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * "Pause every rollout in progress": in the page's cluster, or — only when the form says so
 * explicitly (scope=all) — in every configured cluster, one cluster after the other. The answer
 * says what happened in each cluster.
 */
export async function pauseAllRollouts(_prev: PauseAllState, form: FormData): Promise<PauseAllState> {
  return guarded(async (): Promise<PauseAllState> => {
    const parsed = PAUSE_ALL_FORM.safeParse(formFields(form));
    if (!parsed.success) return invalidForm(parsed.error);
    const { cluster, scope } = parsed.data;
    if (scope === 'cluster') {
      const one = await pauseAllIn(cluster);
      if (one.error) return { ok: false, cluster: one.cluster, message: one.error, clusters: [one], at: Date.now() };
      const { paused, failed } = one;
      const message =
        paused.length === 0 && failed.length === 0
          ? 'No rollout was in progress: nothing to pause.'
          : `Paused ${plural(paused.length, 'rollout')}${paused.length ? ` (${paused.join(', ')})` : ''}${failed.length ? `; ${failed.length} could not be paused` : ''}.`;
      return {
        ok: failed.length === 0,
        applied: paused.length > 0,
        message,
        paused,
        failed,
        cluster: one.cluster,
        clusters: [one],
        at: Date.now(),
      };
    }
    const outcomes: PauseAllOutcome[] = [];
    for (const c of clusterRegistry().clusters) outcomes.push(await pauseAllIn(c.id));
    const paused = outcomes.reduce((n, o) => n + o.paused.length, 0);
    const troubled = outcomes.filter((o) => o.error || o.failed.length > 0);
    const message =
      paused === 0 && troubled.length === 0
        ? `No rollout was in progress in any of the ${plural(outcomes.length, 'cluster')}: nothing to pause.`
        : `Paused ${plural(paused, 'rollout')} across ${plural(outcomes.length, 'cluster')}${troubled.length ? `; not everything could be paused in ${troubled.map((o) => o.cluster.name).join(', ')}` : ''}.`;
    return {
      ok: troubled.length === 0,
      applied: paused > 0,
      message,
      paused: outcomes.flatMap((o) => o.paused.map((n) => `${o.cluster.name}/${n}`)),
      failed: outcomes.flatMap((o) => o.failed.map((f) => ({ ...f, name: `${o.cluster.name}/${f.name}` }))),
      clusters: outcomes,
      at: Date.now(),
    };
  });
}
