'use server';

import { randomBytes } from 'node:crypto';
import { revalidatePath } from 'next/cache';
import type { ActionState, PauseAllState } from '@/components/rollout/types';
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
import { requestSession } from '@/lib/k8s/auth/request';
import { fleetReader, requestVisibility } from '@/lib/k8s/fleet';
import { rolloutAccess } from '@/lib/k8s/access-review';
import { type FleetSession, serverSession } from '@/lib/k8s/fleet';
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
 * The rollout buttons' server actions. Each one is thin and distrusts its input: zod (./input.ts)
 * → the domain (lib/fleet builds the change and previews it, refusing what Kruise would refuse or
 * what would update no pod) → lib/k8s (access review, the one PATCH, the audit Event) →
 * revalidate. They return { ok, message, fieldErrors } and never let an exception or an
 * ApiException reach the browser. Reads (the buttons' access, the dialogs' choices) are route
 * handlers under app/api/sidecarsets/[name]/rollout.
 */

const log = logger('rollout');

function refused(message: string, fieldErrors?: Record<string, string[]>): ActionState {
  return { ok: false, message: `Nothing was changed: ${message}`, ...(fieldErrors ? { fieldErrors } : {}), at: Date.now() };
}

/** Runs an action body; anything unexpected becomes a message, never a stack trace. */
async function guarded<T extends ActionState>(fn: () => Promise<T>): Promise<T | ActionState> {
  try {
    return await fn();
  } catch (e) {
    // No cluster configured, or no longer signed in: the message says what to do.
    const noCluster = e instanceof Error && (e.name === 'NoClusterConfiguredError' || e.name === 'NotSignedIn');
    // One line, no stack: the person gets a message; the log says what failed.
    if (!noCluster) log.error({ error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) }, 'rollout action failed');
    return { ok: false, message: noCluster ? (e as Error).message : 'The server could not complete the action.', at: Date.now() };
  }
}

async function loadSnapshot(session: FleetSession, name: string): Promise<RolloutSnapshot | ActionState> {
  const snapshot = await rolloutContext(session, name);
  return snapshot ?? { ok: false, message: `The SidecarSet ${name} does not exist (any more).`, at: Date.now() };
}

function isState(v: RolloutSnapshot | ActionState): v is ActionState {
  return 'ok' in v;
}

/** Preview a built change, or apply it when the preview allows it. */
async function previewOrApply(
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
  const preview = visiblePreview(previewed.preview, await requestVisibility(fleetReader()));
  if (intent === 'preview') {
    return { ok: true, message: `Preview ready: ${preview.summary}.`, preview, warnings: preview.warnings, at: Date.now() };
  }
  if (preview.refusal) return { ...refused(preview.refusal), preview };
  const name = snapshot.sidecarSet.metadata.name;
  const r = await applyRolloutChange(session, name, built.change, { auditSession: serverSession() });
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

    const session = await requestSession();
    const snapshot = await loadSnapshot(session, v.name);
    if (isState(snapshot)) return snapshot;
    if (staleView(snapshot, v.seen)) return { ok: false, message: CONFLICT_MESSAGE, at: Date.now() };
    // A fresh token per apply: pods labelled by an earlier canary (or a failed attempt) stay out.
    const token = v.intent === 'apply' ? `c${Date.now().toString(36)}${randomBytes(3).toString('hex')}` : 'preview';
    const scope = resolveScope(snapshot, scopeInput, token);
    if ('error' in scope) return refused(scope.error, { scope: [scope.error] });
    const built = buildCanary(serverSeen(snapshot, v.seen), {
      container: v.container,
      image: v.image,
      scope: scope.scope,
      ...(v.maxUnavailable !== undefined ? { maxUnavailable: parseIntOrPercent(v.maxUnavailable) } : {}),
      ...(v.confirmName ? { confirmName: v.confirmName } : {}),
    });
    return previewOrApply(session, snapshot, built, v.intent, 'Canary started');
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
    const session = await requestSession();
    const snapshot = await loadSnapshot(session, v.name);
    if (isState(snapshot)) return snapshot;
    if (staleView(snapshot, v.seen)) return { ok: false, message: CONFLICT_MESSAGE, at: Date.now() };
    const built = buildPromote(serverSeen(snapshot, v.seen), { step, ...(v.confirmName ? { confirmName: v.confirmName } : {}) });
    return previewOrApply(session, snapshot, built, v.intent, 'Promoted');
  });
}

export async function rollBack(_prev: ActionState, form: FormData): Promise<ActionState> {
  return guarded(async () => {
    const parsed = ROLLBACK_FORM.safeParse(formFields(form));
    if (!parsed.success) return invalidForm(parsed.error);
    const v = parsed.data;
    const session = await requestSession();
    const snapshot = await loadSnapshot(session, v.name);
    if (isState(snapshot)) return snapshot;
    if (staleView(snapshot, v.seen)) return { ok: false, message: CONFLICT_MESSAGE, at: Date.now() };
    // The images come from the cluster's ControllerRevision, never from the browser.
    const rev = snapshot.revisions.find((r) => r.metadata.name === v.revision);
    if (!rev) {
      const msg = `Revision ${v.revision} of ${v.name} is not in the revision history (any more).`;
      return refused(msg, { revision: [msg] });
    }
    const containers = v.containers === undefined ? undefined : Array.isArray(v.containers) ? v.containers : [v.containers];
    const built = buildRollback(serverSeen(snapshot, v.seen), { revision: revisionImages(rev), ...(containers ? { containers } : {}) });
    return previewOrApply(session, snapshot, built, v.intent, 'Rolled back');
  });
}

export async function pauseRollout(_prev: ActionState, form: FormData): Promise<ActionState> {
  return guarded(async () => {
    const parsed = PAUSE_FORM.safeParse(formFields(form));
    if (!parsed.success) return invalidForm(parsed.error);
    const { name } = parsed.data;
    // Pause carries no guard on purpose: it must work whatever changed since the page loaded.
    return applyOneClick(
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
    const { name, seen } = parsed.data;
    return applyOneClick(
      name,
      (snapshot) =>
        staleView(snapshot, seen) ? { ok: false, message: CONFLICT_MESSAGE, fieldErrors: {} } : buildResume(serverSeen(snapshot, seen)),
      `Resumed ${name}: the rollout continues.`,
    );
  });
}

/** Pause and resume: one click, no preview; the pages are revalidated since no dialog is open. */
async function applyOneClick(name: string, build: (snapshot: RolloutSnapshot) => BuildResult, success: string): Promise<ActionState> {
  const session = await requestSession();
  const snapshot = await loadSnapshot(session, name);
  if (isState(snapshot)) return snapshot;
  const built = build(snapshot);
  if (!built.ok) return refused(built.message, built.fieldErrors);
  const r = await applyRolloutChange(session, name, built.change, { auditSession: serverSession() });
  if (!r.ok) {
    return { ok: false, message: r.error.message, at: Date.now() };
  }
  revalidatePath(`/sidecarsets/${encodeURIComponent(name)}`);
  revalidatePath('/');
  return { ok: true, applied: true, message: success, warnings: r.value.eventError ? [r.value.eventError] : [], at: Date.now() };
}

export async function pauseAllRollouts(_prev: PauseAllState, form: FormData): Promise<PauseAllState> {
  return guarded(async (): Promise<PauseAllState> => {
    const parsed = PAUSE_ALL_FORM.safeParse(formFields(form));
    if (!parsed.success) return invalidForm(parsed.error);
    const session = await requestSession();
    const access = await rolloutAccess(session);
    if (!access.canPatch) {
      log.warn({ action: 'pause-all', actingAs: session.identity.user, result: 'forbidden' }, access.reason ?? 'refused');
      return { ok: false, message: `Forbidden: ${access.reason}.`, at: Date.now() };
    }
    const r = await pauseEveryRollout(session, { auditSession: serverSession() });
    if (!r.ok) return { ok: false, message: r.error.message, at: Date.now() };
    revalidatePath('/');
    const { paused, failed } = r.value;
    const message =
      paused.length === 0 && failed.length === 0
        ? 'No rollout was in progress: nothing to pause.'
        : `Paused ${paused.length} rollout${paused.length === 1 ? '' : 's'}${paused.length ? ` (${paused.join(', ')})` : ''}${failed.length ? `; ${failed.length} could not be paused` : ''}.`;
    return { ok: failed.length === 0, applied: paused.length > 0, message, paused, failed, at: Date.now() };
  });
}
