/**
 * The writes behind the rollout buttons, as pure functions: from what the user saw (a small
 * snapshot of the SidecarSet) and what they asked for, build the one PATCH to send, a readable diff
 * for the preview, and a one-line summary for the audit Event. Nothing here talks to a cluster.
 *
 * Safety rules:
 * - Every change that touches `spec.containers[]` is a JSON Patch whose `test` ops guard the
 *   container name and image at that index and the whole `spec.updateStrategy` as the user saw it
 *   (partition, paused, selector, maxUnavailable together: `paused: false` is usually omitted by the
 *   API server, and JSON Patch cannot test for an absent member, so the object is tested whole).
 *   If anything changed since, the server refuses the patch and nothing is applied.
 * - The image and the partition/selector change in the same request, so no pod beyond the canary
 *   is ever touched between two writes.
 * - Anything Kruise's webhook would refuse is refused here first, with Kruise's own wording, so an
 *   invalid value never reaches the cluster.
 */
import { checkImageReference } from './image-reference';
import { type JsonPatchOp, jsonPatch, mergePatch, pointer } from './json-patch';
import type { IntOrString, LabelSelector, SidecarSet, SidecarSetUpdateStrategy } from './k8s-types';
import { KRUISE } from './k8s-types';
import { partitionReplicas } from './kruise-pod';
import { formatSelector } from './label-selector';
import { aggregate, type FieldError, formatFieldError } from './field-errors';
import { validatePositiveIntOrPercent } from './int-or-percent';
import { validateSidecarSetUpdateStrategy } from './sidecarset-validation';

export type RolloutAction = 'canary' | 'promote' | 'pause' | 'resume' | 'rollback';

/** Reasons of the audit Events, one per action (plus the guard's own). */
export const ACTION_EVENT_REASON: Record<RolloutAction | 'guard', string> = {
  canary: 'CanaryStarted',
  promote: 'RolloutPromoted',
  pause: 'RolloutPaused',
  resume: 'RolloutResumed',
  rollback: 'RolledBack',
  guard: 'RolloutGuardPaused',
};

/**
 * Written by the rollout guard together with its pause (lib/fleet/rollout-guard.ts): why it
 * paused. Resume, roll back and a manual pause clear it, so it only ever explains the guard's pause.
 */
export const GUARD_PAUSED_ANNOTATION = 'sidecarfleet.io/guard-paused';

/** The label key a namespace or workload canary puts on its pods; the value is per canary. */
export function canaryLabelKey(sidecarSetName: string): string {
  return `canary.sidecarfleet.io/${sidecarSetName}`;
}

/**
 * What the user saw when they opened the dialog: enough to guard the write and describe it.
 * It travels to the browser and back, so the server validates it again and only ever uses it as
 * the expected value of `test` ops (a forged snapshot can only make the write fail).
 */
export interface SeenSidecarSet {
  name: string;
  resourceVersion?: string;
  /**
   * metadata.generation at the time: every write tests it, so of two changes made from the same
   * view (a pause and a canary in the same second) exactly one lands. Status writes do not move it.
   */
  generation?: number;
  /** `kruise.io/sidecarset-hash` at the time. */
  hash?: string;
  containers: Array<{ name: string; image: string }>;
  /** `spec.updateStrategy` exactly as the API returned it (undefined when absent). */
  updateStrategy?: SidecarSetUpdateStrategy;
  matchedPods: number;
  /** The guard's pause note is present (resume and roll back remove it). */
  guardPaused?: boolean;
}

export function seenFrom(sidecarSet: SidecarSet): SeenSidecarSet {
  const seen: SeenSidecarSet = {
    name: sidecarSet.metadata.name,
    containers: (sidecarSet.spec.containers ?? []).map((c) => ({ name: c.name, image: c.image ?? '' })),
    matchedPods: sidecarSet.status?.matchedPods ?? 0,
  };
  if (sidecarSet.metadata.resourceVersion) seen.resourceVersion = sidecarSet.metadata.resourceVersion;
  if (typeof sidecarSet.metadata.generation === 'number') seen.generation = sidecarSet.metadata.generation;
  const hash = sidecarSet.metadata.annotations?.[KRUISE.sidecarSetHash];
  if (hash) seen.hash = hash;
  if (sidecarSet.spec.updateStrategy) seen.updateStrategy = structuredClone(sidecarSet.spec.updateStrategy);
  if (sidecarSet.metadata.annotations?.[GUARD_PAUSED_ANNOTATION] !== undefined) seen.guardPaused = true;
  return seen;
}

export interface DiffLine {
  /** Readable field name, e.g. `containers[0] istio-proxy image`, `updateStrategy.partition`. */
  field: string;
  /** Rendered values; undefined means "not set". */
  before?: string;
  after?: string;
}

export interface PlannedChange {
  action: RolloutAction;
  /** `json` → application/json-patch+json, `merge` → application/merge-patch+json. */
  patchType: 'json' | 'merge';
  patch: JsonPatchOp[] | Record<string, unknown>;
  diff: DiffLine[];
  /** One line for the audit Event: "istio-proxy image a → b; partition 0 → "90%"". */
  summary: string;
  warnings: string[];
  /** Namespace/workload canaries: these pods get `key=value` after the SidecarSet is patched. */
  podLabels?: { key: string; value: string; pods: Array<{ namespace: string; name: string }> };
}

export type FieldErrors = Record<string, string[]>;

export type BuildResult = { ok: true; change: PlannedChange } | { ok: false; message: string; fieldErrors: FieldErrors };

function refuse(message: string, fieldErrors: FieldErrors = {}): BuildResult {
  return { ok: false, message, fieldErrors };
}

/**
 * Kruise's webhook checks of `spec.updateStrategy` (lib/fleet/sidecarset-validation.ts), as
 * `<path>: <Type>: <detail>` lines.
 */
export function validateUpdateStrategy(strategy: SidecarSetUpdateStrategy | undefined): string[] {
  return validateSidecarSetUpdateStrategy(strategy).map(formatFieldError);
}

function renderValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v && typeof v === 'object' && ('matchLabels' in v || 'matchExpressions' in v)) {
    return formatSelector(v as LabelSelector) || '{}';
  }
  return JSON.stringify(v);
}

/** Kruise's rejection of the whole request, as its webhook words it (the errors aggregated). */
function kruiseDenial(errs: FieldError[]): string {
  return `admission webhook "vsidecarset.kb.io" would deny the request: ${aggregate(errs)}`;
}

// ------------------------------------------------------------------------------------------------
// Patch building blocks.
// ------------------------------------------------------------------------------------------------

/** The write's first operation: the spec is still the one the user saw (see SeenSidecarSet.generation). */
function guardGeneration(ops: JsonPatchOp[], seen: SeenSidecarSet): void {
  if (seen.generation !== undefined) ops.push({ op: 'test', path: '/metadata/generation', value: seen.generation });
}

class PatchBuilder {
  readonly ops: JsonPatchOp[] = [];
  readonly diff: DiffLine[] = [];
  readonly summary: string[] = [];
  private strategyGuarded = false;

  constructor(private readonly seen: SeenSidecarSet) {
    guardGeneration(this.ops, seen);
  }

  guardContainer(index: number) {
    const c = this.seen.containers[index];
    if (!c) return;
    this.ops.push({ op: 'test', path: pointer('spec', 'containers', index, 'name'), value: c.name });
    this.ops.push({ op: 'test', path: pointer('spec', 'containers', index, 'image'), value: c.image });
  }

  guardAllContainers() {
    for (let i = 0; i < this.seen.containers.length; i++) this.guardContainer(i);
  }

  /**
   * Guards the whole updateStrategy as seen. When the user saw none, the resourceVersion is the
   * only thing left to test (JSON Patch cannot test that a member is absent).
   */
  guardStrategy() {
    if (this.strategyGuarded) return;
    this.strategyGuarded = true;
    if (this.seen.updateStrategy) {
      this.ops.push({ op: 'test', path: '/spec/updateStrategy', value: this.seen.updateStrategy });
    } else {
      if (this.seen.resourceVersion) {
        this.ops.push({ op: 'test', path: '/metadata/resourceVersion', value: this.seen.resourceVersion });
      }
      this.ops.push({ op: 'add', path: '/spec/updateStrategy', value: {} });
    }
  }

  setImage(index: number, image: string) {
    const c = this.seen.containers[index];
    if (!c) return;
    this.ops.push({ op: 'replace', path: pointer('spec', 'containers', index, 'image'), value: image });
    this.diff.push({ field: `containers[${index}] ${c.name} image`, before: c.image, after: image });
    this.summary.push(`${c.name} image ${c.image} → ${image}`);
  }

  /** `add` on an object member replaces it when present (RFC 6902 §4.1), so it works either way. */
  setStrategy(field: keyof SidecarSetUpdateStrategy, value: unknown) {
    const before = this.seen.updateStrategy?.[field];
    if (before !== undefined && JSON.stringify(before) === JSON.stringify(value)) return;
    this.guardStrategy();
    this.ops.push({ op: 'add', path: pointer('spec', 'updateStrategy', field), value });
    this.diff.push({
      field: `updateStrategy.${field}`,
      before: before === undefined ? undefined : renderValue(before),
      after: renderValue(value),
    });
    this.summary.push(`${field} ${before === undefined ? 'unset' : renderValue(before)} → ${renderValue(value)}`);
  }

  removeStrategy(field: keyof SidecarSetUpdateStrategy) {
    const before = this.seen.updateStrategy?.[field];
    if (before === undefined) return;
    this.guardStrategy();
    this.ops.push({ op: 'remove', path: pointer('spec', 'updateStrategy', field) });
    this.diff.push({ field: `updateStrategy.${field}`, before: renderValue(before), after: undefined });
    this.summary.push(`${field} ${renderValue(before)} → unset`);
  }

  /** The strategy after these ops, for validation. */
  strategyAfter(): SidecarSetUpdateStrategy {
    const doc = jsonPatch(
      { spec: { updateStrategy: this.seen.updateStrategy ?? {} } },
      this.ops.filter((o) => o.path.startsWith('/spec/updateStrategy/')) as JsonPatchOp[],
    );
    return (doc as { spec: { updateStrategy: SidecarSetUpdateStrategy } }).spec.updateStrategy;
  }

  build(action: RolloutAction, warnings: string[]): BuildResult {
    const errs = validateSidecarSetUpdateStrategy(this.strategyAfter());
    if (errs.length > 0) return refuse(kruiseDenial(errs), { updateStrategy: errs.map(formatFieldError) });
    return {
      ok: true,
      change: { action, patchType: 'json', patch: this.ops, diff: this.diff, summary: this.summary.join('; '), warnings },
    };
  }
}

function containerIndex(seen: SeenSidecarSet, name: string): number {
  return seen.containers.findIndex((c) => c.name === name);
}

function checkRollingUpdate(seen: SeenSidecarSet): string | undefined {
  const type = seen.updateStrategy?.type ?? 'RollingUpdate';
  if (type === 'NotUpdate') {
    return 'This SidecarSet uses updateStrategy.type NotUpdate: Kruise never upgrades existing pods, so there is no rollout to steer. Only new pods get the change.';
  }
  return undefined;
}

// ------------------------------------------------------------------------------------------------
// Canary upgrade.
// ------------------------------------------------------------------------------------------------

export type CanaryScope =
  | { kind: 'count'; count: number }
  | { kind: 'percent'; percent: number }
  /** An existing pod label (or any selector the user wrote). */
  | { kind: 'selector'; selector: LabelSelector }
  /**
   * Exactly these pods (a namespace's or a workload's): they get a per-canary label and the
   * selector names it. `token` makes the label value unique to this canary, so pods labelled by
   * an earlier canary (or by an attempt that failed) are never pulled into this one.
   */
  | { kind: 'pods'; description: string; pods: Array<{ namespace: string; name: string }>; token: string };

export interface CanaryRequest {
  container: string;
  image: string;
  scope: CanaryScope;
  /** Text from the form, e.g. "1" or "10%"; undefined keeps the current value. */
  maxUnavailable?: IntOrString;
  /** The SidecarSet's name typed by the user: required when the canary covers every matched pod. */
  confirmName?: string;
}

/** A canary by count or percent that covers every matched pod is a rollout to the whole fleet. */
export function canaryCoversAll(seen: SeenSidecarSet, scope: CanaryScope): boolean {
  if (scope.kind === 'percent') return scope.percent >= 100;
  if (scope.kind === 'count') return seen.matchedPods > 0 && scope.count >= seen.matchedPods;
  return false;
}

export function buildCanary(seen: SeenSidecarSet, req: CanaryRequest): BuildResult {
  const notRolling = checkRollingUpdate(seen);
  if (notRolling) return refuse(notRolling);

  const index = containerIndex(seen, req.container);
  if (index < 0) {
    const msg = `spec.containers.name: Invalid value: ${JSON.stringify(req.container)}: container ${req.container} is not found`;
    return refuse(msg, { container: [msg] });
  }
  const image = checkImageReference(req.image);
  if (!image.ok) return refuse(`The image is not valid: ${image.error}`, { image: [image.error] });
  const current = seen.containers[index];
  if (current && current.image === req.image) {
    const msg = `${req.container} already runs ${req.image}: choose a different image.`;
    return refuse(msg, { image: [msg] });
  }

  const b = new PatchBuilder(seen);
  b.guardContainer(index);
  b.guardStrategy();
  b.setImage(index, req.image);
  const warnings = image.warnings.map((w) => w.message);

  const scope = req.scope;
  if (scope.kind === 'count' || scope.kind === 'percent') {
    const matched = seen.matchedPods;
    if (matched <= 0) {
      return refuse('No pod is matched by this SidecarSet, so a canary by count or percent would cover nothing.', {
        scope: ['No matched pods.'],
      });
    }
    let partition: IntOrString;
    if (scope.kind === 'count') {
      if (!Number.isInteger(scope.count) || scope.count < 1 || scope.count > matched) {
        const msg = `The canary must cover between 1 and ${matched} pods (the SidecarSet matches ${matched}).`;
        return refuse(msg, { count: [msg] });
      }
      partition = matched - scope.count;
    } else {
      if (!Number.isInteger(scope.percent) || scope.percent < 1 || scope.percent > 100) {
        const msg = 'The canary percentage must be a whole number from 1 to 100.';
        return refuse(msg, { percent: [msg] });
      }
      // "0%" would count as a set partition for Kruise; the whole fleet is an int 0.
      partition = scope.percent === 100 ? 0 : `${100 - scope.percent}%`;
    }
    if (canaryCoversAll(seen, scope) && req.confirmName !== seen.name) {
      const msg = `This canary covers every matched pod: type the SidecarSet's name, ${seen.name}, to roll out to the whole fleet.`;
      return refuse(msg, { confirmName: [msg] });
    }
    // A selector left from an earlier canary would be refused with a set partition, and would
    // narrow this canary to its pods: the canary by count is over the whole SidecarSet.
    b.removeStrategy('selector');
    b.setStrategy('partition', partition);
  } else {
    let selector: LabelSelector;
    if (scope.kind === 'selector') {
      selector = scope.selector;
    } else {
      if (scope.pods.length === 0) {
        const msg = `No matched pod in ${scope.description}: the canary would cover nothing.`;
        return refuse(msg, { scope: [msg] });
      }
      selector = { matchLabels: { [canaryLabelKey(seen.name)]: scope.token } };
    }
    // Kruise refuses a selector with any set partition, "0%" included: an int 0 is the only way.
    b.setStrategy('partition', 0);
    b.setStrategy('selector', selector);
  }
  if (req.maxUnavailable !== undefined) b.setStrategy('maxUnavailable', req.maxUnavailable);
  if (seen.updateStrategy?.paused) {
    warnings.push('The rollout is paused: no pod is updated until you resume it.');
  }

  const result = b.build('canary', warnings);
  if (result.ok && scope.kind === 'pods') {
    result.change.podLabels = { key: canaryLabelKey(seen.name), value: scope.token, pods: scope.pods };
    result.change.summary += ` (${scope.pods.length} pods of ${scope.description})`;
  }
  return result;
}

// ------------------------------------------------------------------------------------------------
// Promote.
// ------------------------------------------------------------------------------------------------

export type PromoteStep =
  /** Cover this percentage of matched pods. 100 is the whole fleet. */
  | { kind: 'percent'; percent: number }
  /** Cover every pod: partition 0 and no selector. */
  | { kind: 'all' }
  /** Any partition the user typed, int or "N%". */
  | { kind: 'partition'; partition: IntOrString };

export interface PromoteRequest {
  step: PromoteStep;
  /** Required when the step covers every pod: the SidecarSet's name, typed by the user. */
  confirmName?: string;
}

/** True when the step leaves no pod behind (the confirmation by name applies). */
export function promoteCoversAll(seen: SeenSidecarSet, step: PromoteStep): boolean {
  if (step.kind === 'all') return true;
  if (step.kind === 'percent') return step.percent >= 100;
  return partitionReplicas(step.partition, seen.matchedPods) === 0;
}

export function buildPromote(seen: SeenSidecarSet, req: PromoteRequest): BuildResult {
  const notRolling = checkRollingUpdate(seen);
  if (notRolling) return refuse(notRolling);
  const s = seen.updateStrategy ?? {};
  const hasSelector = s.selector !== undefined;
  const matched = seen.matchedPods;
  const keptNow = hasSelector ? matched : partitionReplicas(s.partition, matched);
  if (!hasSelector && keptNow === 0) {
    return refuse('Nothing to promote: the partition already lets the rollout reach every pod.');
  }

  let partition: IntOrString;
  const step = req.step;
  if (step.kind === 'all') partition = 0;
  else if (step.kind === 'percent') {
    if (!Number.isInteger(step.percent) || step.percent < 1 || step.percent > 100) {
      const msg = 'The step must be a whole percentage from 1 to 100.';
      return refuse(msg, { step: [msg] });
    }
    partition = step.percent === 100 ? 0 : `${100 - step.percent}%`;
  } else {
    partition = step.partition;
    const errs = validatePositiveIntOrPercent(partition, 'spec.updateStrategy.partition');
    if (errs.length > 0) return refuse(kruiseDenial(errs), { partition: errs.map(formatFieldError) });
  }

  const keptAfter = partitionReplicas(partition, matched);
  if (!hasSelector && keptAfter >= keptNow) {
    const msg = `Promote must lower the partition: now ${renderValue(s.partition ?? 0)} keeps ${keptNow} of ${matched} pods on the old version; ${renderValue(partition)} would keep ${keptAfter}.`;
    return refuse(msg, { step: [msg] });
  }
  if (promoteCoversAll(seen, step) && req.confirmName !== seen.name) {
    const msg = `Type the SidecarSet's name, ${seen.name}, to roll out to the whole fleet.`;
    return refuse(msg, { confirmName: [msg] });
  }

  const b = new PatchBuilder(seen);
  // What is being promoted is the images the user saw; a promote after someone changed them
  // would spread an image nobody reviewed.
  b.guardAllContainers();
  b.guardStrategy();
  b.removeStrategy('selector');
  b.setStrategy('partition', partition);
  const warnings: string[] = [];
  if (s.paused) warnings.push('The rollout is paused: no pod is updated until you resume it.');
  return b.build('promote', warnings);
}

// ------------------------------------------------------------------------------------------------
// Pause / resume.
// ------------------------------------------------------------------------------------------------

/**
 * Pause is a merge patch on purpose: it is idempotent and must work on a bad day whatever else
 * changed, so it carries no guard that could make it fail.
 */
/**
 * Pause: a JSON Patch guarded by the generation the user saw (see SeenSidecarSet.generation), so a
 * pause and a concurrent canary cannot both land; a pause refused that way says so and can be sent
 * again at once, from the fresh view.
 */
export function buildPause(seen: SeenSidecarSet): BuildResult {
  if (seen.updateStrategy?.paused) return refuse(`${seen.name} is already paused.`);
  const ops: JsonPatchOp[] = [];
  guardGeneration(ops, seen);
  if (seen.updateStrategy) ops.push({ op: 'add', path: '/spec/updateStrategy/paused', value: true });
  else ops.push({ op: 'add', path: '/spec/updateStrategy', value: { paused: true } });
  // This pause is a person's: the guard's note, if any, goes.
  if (seen.guardPaused) ops.push({ op: 'remove', path: pointer('metadata', 'annotations', GUARD_PAUSED_ANNOTATION) });
  return {
    ok: true,
    change: {
      action: 'pause',
      patchType: 'json',
      patch: ops,
      diff: [{ field: 'updateStrategy.paused', before: 'false', after: 'true' }],
      summary: 'paused false → true',
      warnings: [],
    },
  };
}

/**
 * Resume tests that the rollout is still paused and still carries the images the user saw:
 * resuming must never release an image that was changed while the page was open.
 */
export function buildResume(seen: SeenSidecarSet): BuildResult {
  if (!seen.updateStrategy?.paused) return refuse(`${seen.name} is not paused.`);
  const ops: JsonPatchOp[] = [];
  guardGeneration(ops, seen);
  seen.containers.forEach((c, i) => {
    ops.push({ op: 'test', path: pointer('spec', 'containers', i, 'name'), value: c.name });
    ops.push({ op: 'test', path: pointer('spec', 'containers', i, 'image'), value: c.image });
  });
  ops.push({ op: 'test', path: '/spec/updateStrategy/paused', value: true });
  ops.push({ op: 'replace', path: '/spec/updateStrategy/paused', value: false });
  if (seen.guardPaused) ops.push({ op: 'remove', path: pointer('metadata', 'annotations', GUARD_PAUSED_ANNOTATION) });
  return {
    ok: true,
    change: {
      action: 'resume',
      patchType: 'json',
      patch: ops,
      diff: [{ field: 'updateStrategy.paused', before: 'true', after: 'false' }],
      summary: 'paused true → false',
      warnings: [],
    },
  };
}

// ------------------------------------------------------------------------------------------------
// Roll back.
// ------------------------------------------------------------------------------------------------

export interface RevisionImages {
  /** ControllerRevision name. */
  name: string;
  revision: number;
  /** `data.spec.containers[]` of the revision: name and image. */
  containers: Array<{ name: string; image: string }>;
}

/** Reads the container images out of a SidecarSet ControllerRevision's `data` (its `spec.containers`). */
export function revisionImages(rev: { metadata: { name: string }; revision: number; data?: unknown }): RevisionImages {
  const spec = (rev.data as { spec?: { containers?: unknown } } | undefined)?.spec;
  const list = Array.isArray(spec?.containers) ? (spec.containers as Array<Record<string, unknown>>) : [];
  return {
    name: rev.metadata.name,
    revision: rev.revision,
    containers: list
      .filter((c) => typeof c.name === 'string')
      .map((c) => ({ name: c.name as string, image: typeof c.image === 'string' ? c.image : '' })),
  };
}

export interface RollbackRequest {
  revision: RevisionImages;
  /** Limit the roll back to these containers; all that differ when omitted. */
  containers?: string[];
}

/**
 * Puts the images of an earlier revision back and lets the rollout reach every pod: partition 0,
 * no selector, not paused. Without that, a rollback of a partitioned canary updates nothing: the
 * pods still on the old image count as updated again and the partition keeps the canary pods.
 */
export function buildRollback(seen: SeenSidecarSet, req: RollbackRequest): BuildResult {
  const notRolling = checkRollingUpdate(seen);
  if (notRolling) return refuse(notRolling);
  const wanted = req.containers && req.containers.length > 0 ? new Set(req.containers) : undefined;
  const b = new PatchBuilder(seen);
  const changes: Array<{ index: number; image: string }> = [];
  seen.containers.forEach((c, index) => {
    if (wanted && !wanted.has(c.name)) return;
    const old = req.revision.containers.find((r) => r.name === c.name);
    if (old?.image && old.image !== c.image) changes.push({ index, image: old.image });
  });
  if (changes.length === 0) {
    const msg = `Revision ${req.revision.revision} (${req.revision.name}) has the same images as now: nothing to roll back.`;
    return refuse(msg, { revision: [msg] });
  }
  for (const ch of changes) b.guardContainer(ch.index);
  b.guardStrategy();
  for (const ch of changes) b.setImage(ch.index, ch.image);
  b.removeStrategy('selector');
  b.setStrategy('partition', 0);
  if (seen.updateStrategy?.paused) b.setStrategy('paused', false);
  if (seen.guardPaused) b.ops.push({ op: 'remove', path: pointer('metadata', 'annotations', GUARD_PAUSED_ANNOTATION) });
  const result = b.build('rollback', []);
  if (result.ok) result.change.summary = `to revision ${req.revision.revision} (${req.revision.name}): ${result.change.summary}`;
  return result;
}

/** The SidecarSet as it will be after the change (for the planner's what-if preview). */
export function applyChange(sidecarSet: SidecarSet, change: PlannedChange): SidecarSet {
  return change.patchType === 'json' ? jsonPatch(sidecarSet, change.patch) : mergePatch(sidecarSet, change.patch);
}

/** A unified-diff-like rendering of the diff lines, for text contexts (events, logs). */
export function formatDiff(lines: readonly DiffLine[]): string {
  return lines
    .flatMap((l) => [
      ...(l.before !== undefined ? [`- ${l.field}: ${l.before}`] : []),
      ...(l.after !== undefined ? [`+ ${l.field}: ${l.after}`] : []),
    ])
    .join('\n');
}
