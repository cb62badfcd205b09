/**
 * What the rollout forms send, parsed with zod before anything else looks at it. The browser's
 * view of the SidecarSet is only ever used as the expected value of JSON Patch `test` ops.
 */
import { z } from 'zod';
import { CLUSTER_ID } from '@/app/_lib/cluster-id';
import type { ActionState } from '@/components/rollout/types';
import type { SeenSidecarSet } from '@/lib/fleet/rollout-actions';
import { SIDECARSET_NAME } from './names';

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
  name: SIDECARSET_NAME,
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
  generation: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  matchedPods: z.number().int().min(0).optional(),
  guardPaused: z.boolean().optional(),
});

const NO_VIEW = 'The form carries no valid view of the SidecarSet: reload the page.';

const seenJson = z
  .string()
  .max(64_000)
  .transform((text, ctx) => {
    try {
      const parsed = SEEN.safeParse(JSON.parse(text));
      if (parsed.success) return parsed.data as SeenSidecarSet;
    } catch {
      // Not JSON: the same answer as JSON of the wrong shape.
    }
    ctx.addIssue({ code: 'custom', message: NO_VIEW });
    return z.NEVER;
  });

const optionalText = (max: number) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.string().max(max).optional());

const INT32_MAX = 2_147_483_647;

/**
 * A whole number typed into a form field: digits only (no sign, exponent, hex or spaces inside),
 * within int32 as Kubernetes' int fields are.
 */
export const wholeNumber = (what: string) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? v.trim() : v),
    z
      .string({ error: `Enter ${what}.` })
      .min(1, `Enter ${what}.`)
      .regex(/^[0-9]+$/, `Enter ${what} as a whole number of digits only.`)
      .transform(Number)
      .refine((n) => n <= INT32_MAX, `${what[0]?.toUpperCase()}${what.slice(1)} must be at most ${INT32_MAX}.`),
  );

/**
 * An int-or-percent typed into a form field (partition, maxUnavailable): read by
 * parseIntOrPercent (digits alone are an int), then refused by the domain in Kruise's own words
 * when it is neither a whole number nor a percentage.
 */
const intOrPercentText = (_field: string) => optionalText(16);

const INTENT = z.enum(['preview', 'apply']);

export const CANARY_FORM = z
  .object({
    cluster: CLUSTER_ID,
    name: SIDECARSET_NAME,
    seen: seenJson,
    intent: INTENT,
    container: z.string().min(1, 'Choose a container.').max(253),
    image: z.string().min(1, 'Enter the new image.').max(1024),
    scope: z.enum(['percent', 'count', 'namespace', 'workload', 'label']),
    amount: z.unknown().optional(),
    namespace: optionalText(253),
    workload: optionalText(600),
    label: optionalText(400),
    maxUnavailable: intOrPercentText('maxUnavailable'),
    confirmName: optionalText(253),
  })
  .superRefine((v, ctx) => {
    if (v.scope === 'namespace' && !v.namespace) ctx.addIssue({ code: 'custom', path: ['namespace'], message: 'Choose a namespace.' });
    if (v.scope === 'workload' && !v.workload) ctx.addIssue({ code: 'custom', path: ['workload'], message: 'Choose a workload.' });
    if (v.scope === 'label' && !v.label) ctx.addIssue({ code: 'custom', path: ['label'], message: 'Choose a label.' });
  });

export const PROMOTE_FORM = z.object({
  cluster: CLUSTER_ID,
  name: SIDECARSET_NAME,
  seen: seenJson,
  intent: INTENT,
  step: z.enum(['25', '50', '75', 'all', 'custom']),
  partition: intOrPercentText('The partition'),
  confirmName: optionalText(253),
});

export const ROLLBACK_FORM = z.object({
  cluster: CLUSTER_ID,
  name: SIDECARSET_NAME,
  seen: seenJson,
  intent: INTENT,
  revision: z.string().min(1, 'Choose a revision.').max(253),
  containers: z.union([z.string().max(253), z.array(z.string().max(253)).max(64)]).optional(),
});

export const PAUSE_FORM = z.object({ cluster: CLUSTER_ID, name: SIDECARSET_NAME });

export const RESUME_FORM = z.object({ cluster: CLUSTER_ID, name: SIDECARSET_NAME, seen: seenJson });

/** Pause every rollout in progress in the cluster of the page, or (an explicit choice) in every configured cluster. */
export const PAUSE_ALL_FORM = z.object({
  cluster: CLUSTER_ID,
  confirm: z.literal('pause-all', 'Confirm to pause every rollout.'),
  scope: z.enum(['cluster', 'all'], 'Choose this cluster or every cluster.').default('cluster'),
});

/** The form as an object: a key sent once is a string, a key sent several times an array. */
export function formFields(form: unknown): Record<string, FormDataEntryValue | FormDataEntryValue[]> {
  const out: Record<string, FormDataEntryValue | FormDataEntryValue[]> = {};
  // Whatever arrived instead of a form has no fields: the schema then says what is missing.
  if (!(form instanceof FormData)) return out;
  for (const key of new Set(form.keys())) {
    const all = form.getAll(key);
    out[key] = all.length > 1 ? all : (all[0] as FormDataEntryValue);
  }
  return out;
}

/** A form zod refused: every issue under its field, the first one as the message. */
export function invalidForm(error: z.ZodError): ActionState {
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? 'form');
    fieldErrors[key] = [...(fieldErrors[key] ?? []), issue.message];
  }
  const first = error.issues[0]?.message ?? 'The form is not valid.';
  return { ok: false, message: `Nothing was changed: ${first}`, fieldErrors, at: Date.now() };
}
