'use server';

import { randomBytes } from 'node:crypto';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { parseIntOrPercent } from '@/lib/fleet/int-or-percent';
import { PatchRejected } from '@/lib/fleet/json-patch';
import type { ActionState, DialogLoad, PauseAllState, RolloutPanel } from '@/components/rollout/types';
import {
  type BuildResult,
  buildCanary,
  buildPause,
  buildPromote,
  buildResume,
  buildRollback,
  type PromoteStep,
  revisionImages,
  type SeenSidecarSet,
} from '@/lib/fleet/rollout-actions';
import { type FleetSession, serverSession } from '@/lib/k8s/fleet';
import { rolloutGuardStatus } from '@/lib/k8s/guard';
import {
  applyRolloutChange,
  CONFLICT_MESSAGE,
  dialogContext,
  guardInfo,
  pauseAllRollouts,
  previewChange,
  type RolloutContext,
  type RolloutPreview,
  resolveScope,
  rolloutAccess,
  rolloutContext,
  type ScopeInput,
  serverSeen,
} from '@/lib/k8s/rollout';

/*
 * The rollout buttons' server actions. Each one is thin and distrusts its input: zod safeParse →
 * the domain builder (which refuses what Kruise would refuse) → lib/k8s (access review, then the
 * one PATCH, then the audit Event) → revalidate. They return { ok, message, fieldErrors } and
 * never let an exception or an ApiException reach the browser.
 */

const NAME = z
  .string()
  .min(1, 'A SidecarSet name is required.')
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'Not a SidecarSet name.');

const INT_OR_STRING = z.union([z.number().int(), z.string().max(64)]);

const SELECTOR = z.looseObject({
  matchLabels: z.record(z.string().max(317), z.string().max(63)).optional(),
  matchExpressions: z
    .array(
      z.looseObject({ key: z.string().max(317), operator: z.string().max(32), values: z.array(z.string().max(63)).max(100).optional() }),
    )
    .max(32)
    .optional(),
});

/** What the browser saw. Unknown keys are kept: the strategy is tested whole, byte for byte. */
const SEEN = z.object({
  name: NAME,
  resourceVersion: z.string().max(64).optional(),
  hash: z.string().max(128).optional(),
  containers: z.array(z.object({ name: z.string().min(1).max(253), image: z.string().max(1024) })).max(64),
  updateStrategy: z
    .looseObject({
      type: z.string().max(64).optional(),
      paused: z.boolean().optional(),
      partition: INT_OR_STRING.optional(),
      maxUnavailable: INT_OR_STRING.optional(),
      selector: SELECTOR.optional(),
    })
    .optional(),
  matchedPods: z.number().int().min(0).optional(),
  guardPaused: z.boolean().optional(),
});

const seenJson = z
  .string()
  .max(64_000)
  .transform((text, ctx) => {
    try {
      const parsed = SEEN.safeParse(JSON.parse(text));
      if (parsed.success) return parsed.data as SeenSidecarSet;
      ctx.addIssue({ code: 'custom', message: 'The form carries no valid view of the SidecarSet: reload the page.' });
    } catch {
      ctx.addIssue({ code: 'custom', message: 'The form carries no valid view of the SidecarSet: reload the page.' });
    }
    return z.NEVER;
  });

const optionalText = (max: number) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.string().max(max).optional());

const wholeNumber = (what: string) =>
  z.preprocess(
    (v) => (typeof v === 'string' && v.trim() !== '' ? Number(v) : undefined),
    z.number({ error: `Enter ${what}.` }).int(`Enter ${what} as a whole number.`),
  );

const INTENT = z.enum(['preview', 'apply']);

function fields(form: FormData): Record<string, FormDataEntryValue | FormDataEntryValue[]> {
  const out: Record<string, FormDataEntryValue | FormDataEntryValue[]> = {};
  for (const key of new Set(form.keys())) {
    const all = form.getAll(key);
    out[key] = all.length > 1 ? all : (all[0] as FormDataEntryValue);
  }
  return out;
}

function invalid(error: z.ZodError): ActionState {
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? 'form');
    fieldErrors[key] = [...(fieldErrors[key] ?? []), issue.message];
  }
  const first = error.issues[0]?.message ?? 'The form is not valid.';
  return { ok: false, message: `Nothing was changed: ${first}`, fieldErrors, at: Date.now() };
}

function refused(r: Extract<BuildResult, { ok: false }>): ActionState {
  return { ok: false, message: `Nothing was changed: ${r.message}`, fieldErrors: r.fieldErrors, at: Date.now() };
}

/** Runs an action body; anything unexpected becomes a message, never a stack trace. */
async function guarded<T extends ActionState>(fn: () => Promise<T>): Promise<T | ActionState> {
  try {
    return await fn();
  } catch (e) {
    const message = e instanceof Error && e.name === 'NoClusterConfiguredError' ? e.message : 'The server could not complete the action.';
    if (!(e instanceof Error && e.name === 'NoClusterConfiguredError')) console.error('[rollout] action failed', e);
    return { ok: false, message, at: Date.now() };
  }
}

async function loadContext(session: FleetSession, name: string): Promise<RolloutContext | ActionState> {
  const ctx = await rolloutContext(session, name);
  if (!ctx) return { ok: false, message: `The SidecarSet ${name} does not exist (any more).`, at: Date.now() };
  return ctx;
}

function isState(v: RolloutContext | ActionState): v is ActionState {
  return 'ok' in v;
}

/**
 * Preview or apply a built change. On apply, a change the planner says would update no pod is
 * refused (kruise#1307: a partition and a maxUnavailable that together update nothing).
 */
async function previewOrApply(
  session: FleetSession,
  ctx: RolloutContext,
  built: BuildResult,
  intent: 'preview' | 'apply',
  done: string,
): Promise<ActionState> {
  if (!built.ok) return refused(built);
  let preview: RolloutPreview;
  try {
    preview = previewChange(ctx, built.change);
  } catch (e) {
    // The guards already fail against the cached SidecarSet: someone changed it since.
    if (e instanceof PatchRejected) return { ok: false, message: CONFLICT_MESSAGE, at: Date.now() };
    throw e;
  }
  const name = ctx.sidecarSet.metadata.name;
  if (intent === 'preview') {
    return { ok: true, message: `Preview ready: ${preview.summary}.`, preview, warnings: preview.warnings, at: Date.now() };
  }
  const updatesNone = preview.coverTotal <= preview.updatedAfter && preview.updatedAfter < preview.matched;
  if (updatesNone && built.change.action !== 'pause' && built.change.action !== 'resume') {
    return {
      ok: false,
      message: `Nothing was changed: ${preview.warnings.at(-1) ?? 'this change would update no pod.'}`,
      preview,
      at: Date.now(),
    };
  }
  const r = await applyRolloutChange(session, name, built.change);
  if (!r.ok) {
    if (r.error.kind === 'Forbidden')
      console.warn(`[rollout] refused ${built.change.action} on ${name} for ${session.identity.user}: ${r.error.message}`);
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

// ------------------------------------------------------------------------------------------------
// Reads for the buttons and dialogs.
// ------------------------------------------------------------------------------------------------

/** May the server's identity act on this SidecarSet, and what does its rollout guard say? */
export async function getRolloutPanel(name: string): Promise<RolloutPanel> {
  const parsed = NAME.safeParse(name);
  if (!parsed.success) return { canPatch: false, reason: 'Not a SidecarSet name.' };
  try {
    const session = serverSession();
    const [access, ctx] = await Promise.all([rolloutAccess(session, parsed.data), rolloutContext(session, parsed.data)]);
    const panel: RolloutPanel = { canPatch: access.canPatch };
    if (access.reason) panel.reason = access.reason;
    if (ctx) {
      const info = guardInfo(ctx.sidecarSet);
      if (info.configured) panel.guard = { ...info, status: rolloutGuardStatus(parsed.data)?.message };
    }
    return panel;
  } catch (e) {
    return { canPatch: false, reason: e instanceof Error ? e.message : 'The cluster could not be asked.' };
  }
}

/** Fleet-wide: may the server's identity patch SidecarSets at all (overview rows, pause-all)? */
export async function getFleetRolloutAccess(): Promise<RolloutPanel> {
  try {
    const access = await rolloutAccess(serverSession());
    return access.reason ? { canPatch: access.canPatch, reason: access.reason } : { canPatch: access.canPatch };
  } catch (e) {
    return { canPatch: false, reason: e instanceof Error ? e.message : 'The cluster could not be asked.' };
  }
}

/** What the dialogs offer: containers, scopes, revisions and the view to guard the write with. */
export async function loadRolloutDialog(name: string): Promise<DialogLoad> {
  const parsed = NAME.safeParse(name);
  if (!parsed.success) return { ok: false, message: 'Not a SidecarSet name.' };
  try {
    const ctx = await rolloutContext(serverSession(), parsed.data);
    if (!ctx) return { ok: false, message: `The SidecarSet ${parsed.data} does not exist (any more).` };
    return { ok: true, context: dialogContext(ctx) };
  } catch (e) {
    return { ok: false, message: e instanceof Error ? e.message : 'The cluster could not be read.' };
  }
}

// ------------------------------------------------------------------------------------------------
// Canary upgrade.
// ------------------------------------------------------------------------------------------------

const CANARY = z
  .object({
    name: NAME,
    seen: seenJson,
    intent: INTENT,
    container: z.string().min(1, 'Choose a container.').max(253),
    image: z.string().min(1, 'Enter the new image.').max(1024),
    scope: z.enum(['percent', 'count', 'namespace', 'workload', 'label']),
    amount: z.unknown().optional(),
    namespace: optionalText(253),
    workload: optionalText(600),
    label: optionalText(400),
    maxUnavailable: optionalText(16),
  })
  .superRefine((v, ctx) => {
    if (v.scope === 'namespace' && !v.namespace) ctx.addIssue({ code: 'custom', path: ['namespace'], message: 'Choose a namespace.' });
    if (v.scope === 'workload' && !v.workload) ctx.addIssue({ code: 'custom', path: ['workload'], message: 'Choose a workload.' });
    if (v.scope === 'label' && !v.label) ctx.addIssue({ code: 'custom', path: ['label'], message: 'Choose a label.' });
  });

export async function canaryAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return guarded(async () => {
    const parsed = CANARY.safeParse(fields(form));
    if (!parsed.success) return invalid(parsed.error);
    const v = parsed.data;
    let scopeInput: ScopeInput;
    if (v.scope === 'percent' || v.scope === 'count') {
      const amount = wholeNumber(v.scope === 'percent' ? 'a percentage' : 'a number of pods').safeParse(v.amount);
      if (!amount.success) {
        const msg = amount.error.issues[0]?.message ?? 'Enter a number.';
        return { ok: false, message: `Nothing was changed: ${msg}`, fieldErrors: { amount: [msg] }, at: Date.now() };
      }
      scopeInput = v.scope === 'percent' ? { kind: 'percent', percent: amount.data } : { kind: 'count', count: amount.data };
    } else if (v.scope === 'namespace') scopeInput = { kind: 'namespace', namespace: v.namespace ?? '' };
    else if (v.scope === 'workload') scopeInput = { kind: 'workload', workload: v.workload ?? '' };
    else scopeInput = { kind: 'label', label: v.label ?? '' };

    const session = serverSession();
    const ctx = await loadContext(session, v.name);
    if (isState(ctx)) return ctx;
    // A fresh token per apply: pods labelled by an earlier canary (or a failed attempt) stay out.
    const token = v.intent === 'apply' ? `c${Date.now().toString(36)}${randomBytes(3).toString('hex')}` : 'preview';
    const scope = resolveScope(ctx, scopeInput, token);
    if ('error' in scope)
      return { ok: false, message: `Nothing was changed: ${scope.error}`, fieldErrors: { scope: [scope.error] }, at: Date.now() };
    const built = buildCanary(serverSeen(ctx, v.seen), {
      container: v.container,
      image: v.image,
      scope: scope.scope,
      ...(v.maxUnavailable !== undefined ? { maxUnavailable: parseIntOrPercent(v.maxUnavailable) } : {}),
    });
    return previewOrApply(session, ctx, built, v.intent, 'Canary started');
  });
}

// ------------------------------------------------------------------------------------------------
// Promote.
// ------------------------------------------------------------------------------------------------

const PROMOTE = z.object({
  name: NAME,
  seen: seenJson,
  intent: INTENT,
  step: z.enum(['25', '50', '75', 'all', 'custom']),
  partition: optionalText(16),
  confirmName: optionalText(253),
});

export async function promoteAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return guarded(async () => {
    const parsed = PROMOTE.safeParse(fields(form));
    if (!parsed.success) return invalid(parsed.error);
    const v = parsed.data;
    let step: PromoteStep;
    if (v.step === 'all') step = { kind: 'all' };
    else if (v.step === 'custom') {
      if (v.partition === undefined) {
        return {
          ok: false,
          message: 'Nothing was changed: enter a partition.',
          fieldErrors: { partition: ['Enter a partition, e.g. 5 or "20%".'] },
          at: Date.now(),
        };
      }
      step = { kind: 'partition', partition: parseIntOrPercent(v.partition) };
    } else step = { kind: 'percent', percent: Number(v.step) };
    const session = serverSession();
    const ctx = await loadContext(session, v.name);
    if (isState(ctx)) return ctx;
    const built = buildPromote(serverSeen(ctx, v.seen), { step, ...(v.confirmName ? { confirmName: v.confirmName } : {}) });
    return previewOrApply(session, ctx, built, v.intent, 'Promoted');
  });
}

// ------------------------------------------------------------------------------------------------
// Roll back.
// ------------------------------------------------------------------------------------------------

const ROLLBACK = z.object({
  name: NAME,
  seen: seenJson,
  intent: INTENT,
  revision: z.string().min(1, 'Choose a revision.').max(253),
  containers: z.union([z.string().max(253), z.array(z.string().max(253)).max(64)]).optional(),
});

export async function rollbackAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return guarded(async () => {
    const parsed = ROLLBACK.safeParse(fields(form));
    if (!parsed.success) return invalid(parsed.error);
    const v = parsed.data;
    const session = serverSession();
    const ctx = await loadContext(session, v.name);
    if (isState(ctx)) return ctx;
    // The images come from the cluster's ControllerRevision, never from the browser.
    const rev = ctx.revisions.find((r) => r.metadata.name === v.revision);
    if (!rev) {
      const msg = `Revision ${v.revision} of ${v.name} is not in the revision history (any more).`;
      return { ok: false, message: `Nothing was changed: ${msg}`, fieldErrors: { revision: [msg] }, at: Date.now() };
    }
    const containers = v.containers === undefined ? undefined : Array.isArray(v.containers) ? v.containers : [v.containers];
    const built = buildRollback(serverSeen(ctx, v.seen), { revision: revisionImages(rev), ...(containers ? { containers } : {}) });
    return previewOrApply(session, ctx, built, v.intent, 'Rolled back');
  });
}

// ------------------------------------------------------------------------------------------------
// Pause, resume, pause everything.
// ------------------------------------------------------------------------------------------------

const PAUSE = z.object({ name: NAME });

export async function pauseAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return guarded(async () => {
    const parsed = PAUSE.safeParse(fields(form));
    if (!parsed.success) return invalid(parsed.error);
    const { name } = parsed.data;
    // Pause carries no guard on purpose: it must work whatever changed since the page loaded.
    return applyOneClick(
      name,
      (ctx) => buildPause(serverSeen(ctx)),
      `Paused ${name}: no further pod is updated until you resume. Pods already restarting finish.`,
    );
  });
}

const RESUME = z.object({ name: NAME, seen: seenJson });

export async function resumeAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return guarded(async () => {
    const parsed = RESUME.safeParse(fields(form));
    if (!parsed.success) return invalid(parsed.error);
    const { name, seen } = parsed.data;
    return applyOneClick(name, (ctx) => buildResume(serverSeen(ctx, seen)), `Resumed ${name}: the rollout continues.`);
  });
}

/** Pause and resume: one click, no preview; the pages are revalidated since no dialog is open. */
async function applyOneClick(name: string, build: (ctx: RolloutContext) => BuildResult, success: string): Promise<ActionState> {
  const session = serverSession();
  const ctx = await loadContext(session, name);
  if (isState(ctx)) return ctx;
  const built = build(ctx);
  if (!built.ok) return refused(built);
  const r = await applyRolloutChange(session, name, built.change);
  if (!r.ok) {
    if (r.error.kind === 'Forbidden')
      console.warn(`[rollout] refused ${built.change.action} on ${name} for ${session.identity.user}: ${r.error.message}`);
    return { ok: false, message: r.error.message, at: Date.now() };
  }
  revalidatePath(`/sidecarsets/${encodeURIComponent(name)}`);
  revalidatePath('/');
  return { ok: true, applied: true, message: success, warnings: r.value.eventError ? [r.value.eventError] : [], at: Date.now() };
}

const PAUSE_ALL = z.object({ confirm: z.literal('pause-all', 'Confirm to pause every rollout.') });

export async function pauseAllAction(_prev: PauseAllState, form: FormData): Promise<PauseAllState> {
  return guarded(async (): Promise<PauseAllState> => {
    const parsed = PAUSE_ALL.safeParse(fields(form));
    if (!parsed.success) return invalid(parsed.error);
    const session = serverSession();
    const access = await rolloutAccess(session);
    if (!access.canPatch) {
      console.warn(`[rollout] refused pause-all for ${session.identity.user}: ${access.reason}`);
      return { ok: false, message: `Forbidden: ${access.reason}.`, at: Date.now() };
    }
    const r = await pauseAllRollouts(session);
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
