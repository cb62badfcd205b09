/**
 * The rollout guard's decision, as a pure function: given a SidecarSet and the pods, are the pods
 * already running the new version failing beyond what its owner tolerates? If so, the server pauses
 * the rollout (lib/k8s/guard.ts does the write). Nothing here talks to a cluster or reads a clock.
 *
 * Settings live in an annotation on the SidecarSet, so they survive restarts and every dashboard
 * replica reads the same ones:
 *
 *   sidecarfleet.io/guard: '{"enabled":true,"maxFailedPods":"10%","notReadySeconds":120}'
 *
 * - enabled (default true once the annotation is there; false switches the guard off);
 * - maxFailedPods: how many updated pods may be failing before the guard pauses, an int or "N%"
 *   of the updated pods (rounded down); default 0: the first failing updated pod pauses;
 * - notReadySeconds: an updated sidecar that is not ready for longer than this counts as failing,
 *   even without an error reason; default 120.
 *
 * A failing updated pod is one whose sidecar container (of this SidecarSet) is waiting with an
 * image or start error (ErrImagePull, ImagePullBackOff, InvalidImageName, CrashLoopBackOff, …), or
 * not ready for longer than notReadySeconds since it was upgraded (Kruise
 * writes no failure marker, so this is inferred).
 */
import type { IntOrString, Pod, SidecarSet } from './k8s-types';
import { FAILING_WAITING_REASONS } from './pod-status';
import { KRUISE } from './k8s-types';
import {
  isHotUpgrade,
  isMatched,
  isUpdated,
  parseSidecarSetHashAnnotation,
  podNamespace,
  sidecarSetHash,
  workingHotUpgradeContainer,
} from './kruise-pod';
import { type JsonPatchOp, pointer } from './json-patch';
import { GUARD_PAUSED_ANNOTATION } from './rollout-actions';

export { GUARD_PAUSED_ANNOTATION };

export const GUARD_ANNOTATION = 'sidecarfleet.io/guard';

export interface GuardSettings {
  enabled: boolean;
  maxFailedPods: IntOrString;
  notReadySeconds: number;
}

export const GUARD_DEFAULTS: GuardSettings = { enabled: true, maxFailedPods: 0, notReadySeconds: 120 };

export type GuardSettingsResult =
  | { configured: false }
  | { configured: true; settings: GuardSettings }
  | { configured: true; error: string };

/** Reads the guard annotation. A malformed one switches the guard off and says why. */
export function parseGuardSettings(annotations: Record<string, string> | undefined): GuardSettingsResult {
  const raw = annotations?.[GUARD_ANNOTATION];
  if (raw === undefined) return { configured: false };
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { configured: true, error: `${GUARD_ANNOTATION} is not JSON: ${JSON.stringify(raw.slice(0, 100))}` };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return { configured: true, error: `${GUARD_ANNOTATION} must be a JSON object` };
  }
  const v = value as Record<string, unknown>;
  const settings: GuardSettings = { ...GUARD_DEFAULTS };
  if (v.enabled !== undefined) {
    if (typeof v.enabled !== 'boolean') return { configured: true, error: 'guard "enabled" must be true or false' };
    settings.enabled = v.enabled;
  }
  if (v.maxFailedPods !== undefined) {
    const m = v.maxFailedPods;
    const okInt = typeof m === 'number' && Number.isInteger(m) && m >= 0;
    const okPercent = typeof m === 'string' && /^[0-9]+%$/.test(m);
    if (!okInt && !okPercent) {
      return { configured: true, error: 'guard "maxFailedPods" must be a whole number ≥ 0 or a percent like "10%"' };
    }
    settings.maxFailedPods = m as IntOrString;
  }
  if (v.notReadySeconds !== undefined) {
    const n = v.notReadySeconds;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
      return { configured: true, error: 'guard "notReadySeconds" must be a whole number of seconds ≥ 1' };
    }
    settings.notReadySeconds = n;
  }
  return { configured: true, settings };
}

/** The annotation value for these settings (what the settings form writes). */
export function formatGuardSettings(s: GuardSettings): string {
  return JSON.stringify({ enabled: s.enabled, maxFailedPods: s.maxFailedPods, notReadySeconds: s.notReadySeconds });
}

export interface GuardFailure {
  namespace: string;
  pod: string;
  container: string;
  /** A waiting reason from FAILING_WAITING_REASONS, or `NotReady`. */
  reason: string;
  message?: string;
}

export type GuardState =
  /** The annotation is absent, or enabled is false. */
  | 'off'
  /** The annotation cannot be read. */
  | 'invalid'
  /** Nothing to protect: paused, NotUpdate, or every matched pod already updated. */
  | 'idle'
  /** Watching a rollout in progress; failures within the threshold. */
  | 'watching'
  /** Failures beyond the threshold: pause. */
  | 'trip';

export interface GuardVerdict {
  state: GuardState;
  settings?: GuardSettings;
  error?: string;
  matched: number;
  updated: number;
  failing: GuardFailure[];
  /** Failing updated pods tolerated (maxFailedPods resolved over the updated pods). */
  tolerated: number;
  /** One sentence for the Event and the page. */
  message: string;
  /** What was evaluated, so the pause can be a conditional write. */
  evaluated: { resourceVersion?: string; hash: string; pausedField: boolean | undefined };
}

function toleratedFailures(max: IntOrString, updated: number): number {
  if (typeof max === 'number') return max;
  return Math.floor((Number(max.slice(0, -1)) * updated) / 100);
}

/** When the pod's sidecars were last upgraded for this SidecarSet (or injected), if known. */
function updatedAt(pod: Pod, ss: SidecarSet): number | undefined {
  const entry = parseSidecarSetHashAnnotation(pod.metadata.annotations?.[KRUISE.sidecarSetHash])[ss.metadata.name];
  const t = entry?.updateTimestamp ? Date.parse(entry.updateTimestamp) : Number.NaN;
  if (!Number.isNaN(t)) return t;
  const c = pod.metadata.creationTimestamp ? Date.parse(pod.metadata.creationTimestamp) : Number.NaN;
  return Number.isNaN(c) ? undefined : c;
}

function readyConditionSince(pod: Pod): number | undefined {
  const c = pod.status?.conditions?.find((x) => x.type === 'Ready');
  if (!c || c.status === 'True' || !c.lastTransitionTime) return undefined;
  const t = Date.parse(c.lastTransitionTime);
  return Number.isNaN(t) ? undefined : t;
}

/** The pod containers that run this SidecarSet's sidecars now (the working twin for hot upgrade). */
function runningSidecars(pod: Pod, ss: SidecarSet): string[] {
  return (ss.spec.containers ?? []).map((c) => (isHotUpgrade(c) ? workingHotUpgradeContainer(pod, c.name) : c.name));
}

/** Why this updated pod counts as failing, or undefined when it does not. */
export function podFailure(pod: Pod, ss: SidecarSet, settings: GuardSettings, now: number): GuardFailure | undefined {
  const statuses = pod.status?.containerStatuses ?? [];
  const names = runningSidecars(pod, ss);
  const base = { namespace: podNamespace(pod), pod: pod.metadata.name };
  for (const name of names) {
    const s = statuses.find((x) => x.name === name);
    const reason = s?.state?.waiting?.reason;
    if (reason && FAILING_WAITING_REASONS.has(reason)) {
      const f: GuardFailure = { ...base, container: name, reason };
      if (s?.state?.waiting?.message) f.message = s.state.waiting.message;
      return f;
    }
  }
  // Not ready for too long: measured from the later of the upgrade and the pod turning not ready,
  // so a pod that was already unready before the upgrade gets the full grace period.
  const since = Math.max(updatedAt(pod, ss) ?? 0, readyConditionSince(pod) ?? 0);
  if (since === 0 || now - since < settings.notReadySeconds * 1000) return undefined;
  for (const name of names) {
    const s = statuses.find((x) => x.name === name);
    if (!s?.ready) {
      return {
        ...base,
        container: name,
        reason: 'NotReady',
        message: `not ready for ${Math.round((now - since) / 1000)}s (limit ${settings.notReadySeconds}s)`,
      };
    }
  }
  return undefined;
}

function countReasons(failing: GuardFailure[]): string {
  const by = new Map<string, number>();
  for (const f of failing) by.set(f.reason, (by.get(f.reason) ?? 0) + 1);
  return [...by.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([r, n]) => `${r} on ${n}`)
    .join(', ');
}

export interface GuardInput {
  sidecarSet: SidecarSet;
  pods: readonly Pod[];
  namespaceLabels: Record<string, Record<string, string>>;
  /** Milliseconds since the epoch. */
  now: number;
}

/** Decides whether the guard should pause this SidecarSet's rollout now. */
export function evaluateGuard(input: GuardInput): GuardVerdict {
  const ss = input.sidecarSet;
  const strategy = ss.spec.updateStrategy ?? {};
  const evaluated = {
    resourceVersion: ss.metadata.resourceVersion,
    hash: sidecarSetHash(ss),
    pausedField: strategy.paused,
  };
  const parsed = parseGuardSettings(ss.metadata.annotations);
  const verdict = (v: Partial<GuardVerdict> & Pick<GuardVerdict, 'state' | 'message'>): GuardVerdict => ({
    matched: 0,
    updated: 0,
    failing: [],
    tolerated: 0,
    evaluated,
    ...v,
  });
  if (!parsed.configured) return verdict({ state: 'off', message: 'The rollout guard is off.' });
  if ('error' in parsed) {
    return verdict({ state: 'invalid', error: parsed.error, message: `The rollout guard is off: ${parsed.error}.` });
  }
  const settings = parsed.settings;
  if (!settings.enabled) return verdict({ state: 'off', settings, message: 'The rollout guard is switched off.' });

  const matched = input.pods.filter((p) => isMatched(p, ss, input.namespaceLabels));
  const updatedPods = matched.filter((p) => isUpdated(p, ss));
  const counts = { settings, matched: matched.length, updated: updatedPods.length };
  if (strategy.type === 'NotUpdate') {
    return verdict({ ...counts, state: 'idle', message: 'NotUpdate: Kruise never upgrades existing pods.' });
  }
  if (strategy.paused) return verdict({ ...counts, state: 'idle', message: 'The rollout is paused.' });
  if (updatedPods.length >= matched.length) {
    // Nothing is left to protect: pausing a finished rollout would change nothing.
    return verdict({ ...counts, state: 'idle', message: 'Every matched pod runs the current version.' });
  }

  const failing: GuardFailure[] = [];
  for (const p of updatedPods) {
    const f = podFailure(p, ss, settings, input.now);
    if (f) failing.push(f);
  }
  failing.sort((a, b) => (`${a.namespace}/${a.pod}` < `${b.namespace}/${b.pod}` ? -1 : 1));
  const tolerated = toleratedFailures(settings.maxFailedPods, updatedPods.length);
  const limit = `maxFailedPods ${typeof settings.maxFailedPods === 'string' ? `"${settings.maxFailedPods}"` : settings.maxFailedPods} allows ${tolerated}`;
  if (failing.length > tolerated) {
    const first = failing[0] as GuardFailure;
    return verdict({
      ...counts,
      state: 'trip',
      failing,
      tolerated,
      message:
        `${failing.length} of ${updatedPods.length} updated pods are failing (${countReasons(failing)}; ${limit}), ` +
        `e.g. ${first.namespace}/${first.pod} ${first.container}: ${first.reason}${first.message ? ` (${first.message})` : ''}.`,
    });
  }
  return verdict({
    ...counts,
    state: 'watching',
    failing,
    tolerated,
    message:
      failing.length === 0
        ? `Watching ${updatedPods.length} updated pods: none failing.`
        : `Watching ${updatedPods.length} updated pods: ${failing.length} failing (${countReasons(failing)}; ${limit}).`,
  });
}

/**
 * The guard's pause as a conditional write. The tests make it apply only to the exact object the
 * guard evaluated: the same resourceVersion (nothing changed since, paused included), the same
 * hash (the same images). If two dashboard replicas decide at once, both send this patch against
 * the same resourceVersion; the API server applies patches one at a time, so the first one bumps
 * the resourceVersion and the second one's `test` fails (422/409): exactly one replica pauses, and
 * only that one writes the Event. The annotation says why, next to the pause itself.
 */
export function buildGuardPause(verdict: GuardVerdict, at: string): JsonPatchOp[] {
  const ops: JsonPatchOp[] = [];
  if (verdict.evaluated.resourceVersion) {
    ops.push({ op: 'test', path: '/metadata/resourceVersion', value: verdict.evaluated.resourceVersion });
  }
  ops.push({ op: 'test', path: pointer('metadata', 'annotations', KRUISE.sidecarSetHash), value: verdict.evaluated.hash });
  // `paused: false` is usually omitted by the API server; test it only when it is there.
  if (verdict.evaluated.pausedField !== undefined) {
    ops.push({ op: 'test', path: '/spec/updateStrategy/paused', value: false });
  }
  ops.push({ op: 'add', path: '/spec/updateStrategy/paused', value: true });
  ops.push({
    op: 'add',
    path: pointer('metadata', 'annotations', GUARD_PAUSED_ANNOTATION),
    value: JSON.stringify({ at, hash: verdict.evaluated.hash, failing: verdict.failing.length, message: verdict.message }),
  });
  return ops;
}

export interface GuardPausedNote {
  at: string;
  hash: string;
  failing: number;
  message: string;
}

/** The guard's note on a SidecarSet it paused, if it is still paused on the same version. */
export function guardPausedNote(ss: SidecarSet): GuardPausedNote | undefined {
  const raw = ss.metadata.annotations?.[GUARD_PAUSED_ANNOTATION];
  if (!raw || !ss.spec.updateStrategy?.paused) return undefined;
  try {
    const v = JSON.parse(raw) as Partial<GuardPausedNote>;
    if (typeof v.message !== 'string' || typeof v.at !== 'string') return undefined;
    if (v.hash && v.hash !== sidecarSetHash(ss)) return undefined;
    return { at: v.at, hash: v.hash ?? '', failing: Number(v.failing ?? 0), message: v.message };
  } catch {
    return undefined;
  }
}
