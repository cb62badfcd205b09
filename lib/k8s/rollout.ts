import 'server-only';
import { hostname } from 'node:os';
import { AuthorizationV1Api, CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { ControllerRevision, LabelSelector, Pod, SidecarSet } from '@/lib/fleet/k8s-types';
import { KRUISE } from '@/lib/fleet/k8s-types';
import { injectedList, isUpdated, podControllerRevision, podNamespace, podSidecarSetHashes } from '@/lib/fleet/kruise-pod';
import { isPodActive } from '@/lib/fleet/pod-readiness';
import {
  ACTION_EVENT_REASON,
  applyChange,
  buildPause,
  type CanaryScope,
  type DiffLine,
  type PlannedChange,
  type RevisionImages,
  type RolloutAction,
  revisionImages,
  type SeenSidecarSet,
  seenFrom,
} from '@/lib/fleet/rollout-actions';
import { planRollout, planWithSpec } from '@/lib/fleet/rollout-planner';
import { guardPausedNote, type GuardSettings, parseGuardSettings } from '@/lib/fleet/rollout-guard';
import { buildOwnerIndex, workloadOf } from '@/lib/fleet/workloads';
import { type FleetCache, sharedFleetCache } from './cache';
import type { Identity } from './config';
import { discover } from './discovery';
import { fail, type K8sError, ok, type Result, toK8sError } from './errors';
import type { FleetSession } from './fleet';
import { trimSidecarSet } from './trim';

/**
 * The rollout writes, for a given session (client + identity): access review first, then ONE
 * patch with its content type named, then the audit Event. Errors come back as values whose
 * message a person can act on; nothing here throws to the caller, and no ApiException leaves.
 */

const GROUP = 'apps.kruise.io';
const PLURAL = 'sidecarsets';
const EVENT_NAMESPACE = 'default';
const COMPONENT = 'sidecar-fleet';

export const CONFLICT_MESSAGE = 'Conflict: the SidecarSet changed since you loaded it. Nothing was changed; look at it again and retry.';

// ------------------------------------------------------------------------------------------------
// Access reviews.
// ------------------------------------------------------------------------------------------------

export interface AccessCheck {
  verb: string;
  group: string;
  resource: string;
  namespace?: string;
  name?: string;
}

export interface AccessDecision {
  allowed: boolean;
  /** "patch sidecarsets.apps.kruise.io "mesh"" — what was asked, for messages. */
  what: string;
  /** The authorizer's reason, or a sentence saying what is missing. */
  reason: string;
}

function describeCheck(c: AccessCheck): string {
  const res = c.group ? `${c.resource}.${c.group}` : c.resource;
  return `${c.verb} ${res}${c.name ? ` "${c.name}"` : ''}${c.namespace ? ` in namespace ${c.namespace}` : c.group === GROUP ? '' : ' (all namespaces)'}`;
}

const ACCESS_TTL_MS = 15_000;
const ACCESS_KEY = Symbol.for('sidecar-fleet.access-reviews');
type AccessHolder = { [ACCESS_KEY]?: Map<string, { at: number; decision: Promise<Result<AccessDecision>> }> };

/**
 * A SelfSubjectAccessReview: may this session do that? Answers are kept for 15 s per session and
 * question, so rendering a page with five buttons asks once, and a revoked permission shows soon.
 */
export function reviewAccess(session: FleetSession, check: AccessCheck, fresh = false): Promise<Result<AccessDecision>> {
  const g = globalThis as AccessHolder;
  g[ACCESS_KEY] ??= new Map();
  const key = `${session.client.key}|${session.identity.user}|${JSON.stringify(check)}`;
  const hit = g[ACCESS_KEY].get(key);
  if (!fresh && hit && Date.now() - hit.at < ACCESS_TTL_MS) return hit.decision;
  const decision = (async (): Promise<Result<AccessDecision>> => {
    const what = describeCheck(check);
    try {
      const api = session.client.kc.makeApiClient(AuthorizationV1Api);
      const res = await api.createSelfSubjectAccessReview({
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SelfSubjectAccessReview',
          spec: {
            resourceAttributes: {
              verb: check.verb,
              group: check.group,
              resource: check.resource,
              ...(check.namespace ? { namespace: check.namespace } : {}),
              ...(check.name ? { name: check.name } : {}),
            },
          },
        },
      });
      const allowed = res.status?.allowed === true && res.status?.denied !== true;
      const reason = allowed ? 'allowed' : `${session.identity.user} may not ${what}${res.status?.reason ? ` (${res.status.reason})` : ''}`;
      return ok({ allowed, what, reason });
    } catch (e) {
      g[ACCESS_KEY]?.delete(key);
      return fail(toK8sError(e));
    }
  })();
  g[ACCESS_KEY].set(key, { at: Date.now(), decision });
  return decision;
}

export interface RolloutAccess {
  /** May patch this SidecarSet (every rollout action needs it). */
  canPatch: boolean;
  /** Why not, when not: shown next to the disabled buttons. */
  reason?: string;
}

/** What the rollout buttons need to know: may this session patch the SidecarSet? */
export async function rolloutAccess(session: FleetSession, sidecarSet?: string): Promise<RolloutAccess> {
  const r = await reviewAccess(session, { verb: 'patch', group: GROUP, resource: PLURAL, name: sidecarSet });
  if (!r.ok) return { canPatch: false, reason: `Could not ask the cluster whether you may act: ${r.error.message}` };
  return r.value.allowed ? { canPatch: true } : { canPatch: false, reason: r.value.reason };
}

// ------------------------------------------------------------------------------------------------
// Error mapping.
// ------------------------------------------------------------------------------------------------

/** A failed JSON Patch `test` (or a path it relied on having vanished): the apiserver's 422. */
function isFailedJsonPatch(err: K8sError): boolean {
  if (err.code !== 422) return false;
  const texts = [err.message, ...(err.causes ?? []).map((c) => `${c.reason ?? ''} ${c.message ?? ''}`)];
  return texts.some((t) => /test failed|testing value|doc is missing|UnexpectedServerResponse/.test(t));
}

/** Maps a write failure to the message the user sees, keeping its kind. */
export function describeWriteError(err: K8sError, ctx: { identity: Identity; what: string; sidecarSet: string }): K8sError {
  if (err.code === 409 || isFailedJsonPatch(err)) return { ...err, kind: 'Conflict', message: CONFLICT_MESSAGE };
  if (err.code === 403) {
    return { ...err, kind: 'Forbidden', message: `Forbidden: ${ctx.identity.user} may not ${ctx.what}. ${err.message}` };
  }
  if (err.code === 404) {
    return { ...err, message: `Not found: the SidecarSet ${ctx.sidecarSet} no longer exists.` };
  }
  if (err.code === 500 && /admission webhook .* denied the request/.test(err.message)) {
    return { ...err, kind: 'Invalid', message: err.message };
  }
  if (err.code === 422) return { ...err, message: `Invalid: ${err.message}` };
  if (err.kind === 'Unavailable') {
    return {
      ...err,
      message: `The cluster did not answer (${err.message}). The change may or may not have been applied: look at the SidecarSet before trying again.`,
    };
  }
  return err;
}

// ------------------------------------------------------------------------------------------------
// Reads the actions need (from the shared watch cache, never a list per request).
// ------------------------------------------------------------------------------------------------

export interface RolloutContext {
  sidecarSet: SidecarSet;
  pods: Pod[];
  namespaceLabels: Record<string, Record<string, string>>;
  revisions: ControllerRevision[];
  cache: FleetCache;
}

/** The SidecarSet and the pods it injected, from the shared cache. Null when it does not exist. */
export async function rolloutContext(session: FleetSession, name: string, cache?: FleetCache): Promise<RolloutContext | null> {
  const c = cache ?? sharedFleetCache(session.client);
  await c.ready(10_000);
  const ss = c.sidecarsets?.items.get(name);
  if (!ss) return null;
  const pods = c.pods.values().filter((p) => injectedList(p).includes(name));
  const namespaceLabels: Record<string, Record<string, string>> = {};
  for (const ns of c.namespaces.values()) namespaceLabels[ns.metadata.name] = ns.metadata.labels ?? {};
  const revisions = withRevisionHashes(
    c.controllerrevisions.values().filter((r) => r.metadata.labels?.[KRUISE.revisionSidecarSetLabel] === name),
    pods,
    name,
  );
  return { sidecarSet: ss, pods, namespaceLabels, revisions, cache: c };
}

/**
 * The planner's what-if recognises a rollback by the `kruise.io/sidecarset-hash` a revision
 * carries. The cache keeps revisions trimmed (annotations dropped), so take the hash from the
 * pods instead: each pod's hash entry names its controllerRevision. Without it a rollback preview
 * would count the pods already on that revision as pods to update.
 */
function withRevisionHashes(revisions: ControllerRevision[], pods: Pod[], name: string): ControllerRevision[] {
  const hashByRevision = new Map<string, string>();
  for (const p of pods) {
    const entry = podSidecarSetHashes(p)[name];
    if (entry?.controllerRevision && entry.hash) hashByRevision.set(entry.controllerRevision, entry.hash);
  }
  return revisions.map((r) => {
    if (r.metadata.annotations?.[KRUISE.sidecarSetHash]) return r;
    const hash = hashByRevision.get(r.metadata.name);
    if (!hash) return r;
    return { ...r, metadata: { ...r.metadata, annotations: { ...r.metadata.annotations, [KRUISE.sidecarSetHash]: hash } } };
  });
}

/** Pods in M (reference §3) now, per the planner: what the canary percentages are of. */
export function matchedPods(ctx: RolloutContext): Pod[] {
  return planRollout({ sidecarSet: ctx.sidecarSet, pods: ctx.pods, namespaceLabels: ctx.namespaceLabels }).matched;
}

/** What the user saw, with the matched count the server computes (never the browser's). */
export function serverSeen(ctx: RolloutContext, fromBrowser?: SeenSidecarSet): SeenSidecarSet {
  const own = seenFrom(ctx.sidecarSet);
  const matched = matchedPods(ctx).length;
  if (!fromBrowser) return { ...own, matchedPods: matched };
  const seen: SeenSidecarSet = { ...fromBrowser, name: own.name, matchedPods: matched };
  if (own.guardPaused) seen.guardPaused = true;
  else delete seen.guardPaused;
  return seen;
}

export interface ScopeOption {
  value: string;
  label: string;
  pods: number;
}

export interface RolloutDialogContext {
  seen: SeenSidecarSet;
  matched: number;
  containers: Array<{ name: string; image: string; upgradeType: 'ColdUpgrade' | 'HotUpgrade' }>;
  namespaces: ScopeOption[];
  workloads: ScopeOption[];
  labels: ScopeOption[];
  revisions: Array<RevisionImages & { current: boolean; pods: number }>;
  strategy: {
    type: string;
    paused: boolean;
    partition: number | string;
    maxUnavailable: number | string;
    selector?: LabelSelector;
  };
  /** Pods the current partition keeps on the old version. */
  partitionKeeps: number;
  guard: RolloutGuardInfo;
}

export interface RolloutGuardInfo {
  configured: boolean;
  settings?: GuardSettings;
  error?: string;
  /** Set when the guard paused this rollout and it is still paused on that version. */
  pausedNote?: { at: string; message: string };
}

export function guardInfo(ss: SidecarSet): RolloutGuardInfo {
  const parsed = parseGuardSettings(ss.metadata.annotations);
  const info: RolloutGuardInfo = { configured: parsed.configured };
  if (parsed.configured && 'settings' in parsed) info.settings = parsed.settings;
  if (parsed.configured && 'error' in parsed) info.error = parsed.error;
  const note = guardPausedNote(ss);
  if (note) info.pausedNote = { at: note.at, message: note.message };
  return info;
}

/** Labels that name one pod or one template revision, or our own canary marks: no use as a scope. */
const NOISY_LABEL =
  /^(pod-template-hash|controller-revision-hash|pod-template-generation|statefulset\.kubernetes\.io\/pod-name|apps\.kubernetes\.io\/pod-index|canary\.sidecarfleet\.io\/.*)$/;

function countBy<T>(items: T[], key: (t: T) => string | undefined): Map<string, number> {
  const m = new Map<string, number>();
  for (const it of items) {
    const k = key(it);
    if (k !== undefined) m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}

/** Everything the rollout dialogs offer, from the cache: never the pods themselves. */
export function dialogContext(ctx: RolloutContext): RolloutDialogContext {
  const ss = ctx.sidecarSet;
  const matched = matchedPods(ctx);
  const owners = buildOwnerIndex(ctx.cache.snapshot());
  const byNs = countBy(matched, (p) => podNamespace(p));
  const byWorkload = countBy(matched, (p) => {
    const w = workloadOf(p, owners);
    return `${w.namespace}/${w.kind}/${w.name}`;
  });
  const labelCounts = new Map<string, number>();
  for (const p of matched) {
    for (const [k, v] of Object.entries(p.metadata.labels ?? {})) {
      if (NOISY_LABEL.test(k)) continue;
      const kv = `${k}=${v}`;
      labelCounts.set(kv, (labelCounts.get(kv) ?? 0) + 1);
    }
  }
  const sortOptions = (m: Map<string, number>, label = (v: string) => v) =>
    [...m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([value, pods]) => ({ value, label: label(value), pods }));
  const podsOnRevision = countBy(matched, (p) => podControllerRevision(p, ss.metadata.name));
  const s = ss.spec.updateStrategy ?? {};
  const strategy: RolloutDialogContext['strategy'] = {
    type: s.type ?? 'RollingUpdate',
    paused: s.paused === true,
    partition: s.partition ?? 0,
    maxUnavailable: s.maxUnavailable ?? 1,
  };
  if (s.selector) strategy.selector = s.selector;
  const plan = planRollout({ sidecarSet: ss, pods: ctx.pods, namespaceLabels: ctx.namespaceLabels });
  return {
    seen: serverSeen(ctx),
    matched: matched.length,
    containers: (ss.spec.containers ?? []).map((c) => ({
      name: c.name,
      image: c.image ?? '',
      upgradeType: c.upgradeStrategy?.upgradeType === 'HotUpgrade' ? 'HotUpgrade' : 'ColdUpgrade',
    })),
    namespaces: sortOptions(byNs),
    workloads: sortOptions(byWorkload, (v) => {
      const [ns, kind, name] = v.split('/');
      return `${kind} ${ns}/${name}`;
    }),
    // Only labels that pick a real subset: one every matched pod has would be the whole fleet.
    labels: sortOptions(new Map([...labelCounts].filter(([, n]) => n < matched.length))).slice(0, 200),
    revisions: [...ctx.revisions]
      .sort((a, b) => b.revision - a.revision)
      .map((r) => ({
        ...revisionImages(r),
        current: r.metadata.name === ss.status?.latestRevision,
        pods: podsOnRevision.get(r.metadata.name) ?? 0,
      })),
    strategy,
    partitionKeeps: plan.partition,
    guard: guardInfo(ss),
  };
}

export type ScopeInput =
  | { kind: 'percent'; percent: number }
  | { kind: 'count'; count: number }
  | { kind: 'namespace'; namespace: string }
  | { kind: 'workload'; workload: string }
  | { kind: 'label'; label: string };

/**
 * Turns the form's scope into the builder's: a namespace or workload becomes exactly its matched
 * pods (labelled with `token` after the patch); a label becomes a selector on it.
 */
export function resolveScope(ctx: RolloutContext, input: ScopeInput, token: string): { scope: CanaryScope } | { error: string } {
  switch (input.kind) {
    case 'percent':
      return { scope: { kind: 'percent', percent: input.percent } };
    case 'count':
      return { scope: { kind: 'count', count: input.count } };
    case 'label': {
      const eq = input.label.indexOf('=');
      if (eq <= 0) return { error: 'Choose a label as key=value.' };
      return { scope: { kind: 'selector', selector: { matchLabels: { [input.label.slice(0, eq)]: input.label.slice(eq + 1) } } } };
    }
    case 'namespace': {
      const pods = matchedPods(ctx).filter((p) => podNamespace(p) === input.namespace);
      return {
        scope: {
          kind: 'pods',
          description: `namespace ${input.namespace}`,
          pods: pods.map((p) => ({ namespace: podNamespace(p), name: p.metadata.name })),
          token,
        },
      };
    }
    case 'workload': {
      const owners = buildOwnerIndex(ctx.cache.snapshot());
      const pods = matchedPods(ctx).filter((p) => {
        const w = workloadOf(p, owners);
        return `${w.namespace}/${w.kind}/${w.name}` === input.workload;
      });
      const [ns, kind, name] = input.workload.split('/');
      return {
        scope: {
          kind: 'pods',
          description: `${kind} ${ns}/${name}`,
          pods: pods.map((p) => ({ namespace: podNamespace(p), name: p.metadata.name })),
          token,
        },
      };
    }
  }
}

async function kruiseVersion(session: FleetSession, cache?: FleetCache): Promise<Result<string>> {
  const c = cache ?? sharedFleetCache(session.client);
  const known = c.discovery?.kruiseVersion;
  if (known) return ok(known);
  const d = await discover(session.client);
  if (d.kruiseVersion) return ok(d.kruiseVersion);
  return fail(d.error ?? { kind: 'NotFound', message: 'This cluster serves no SidecarSets (OpenKruise is not installed).' });
}

// ------------------------------------------------------------------------------------------------
// Preview: the planner on the cached pods, as if the change were applied.
// ------------------------------------------------------------------------------------------------

export interface PreviewPod {
  namespace: string;
  name: string;
  workload: string;
  /** In the next round (true) or a later one (false). */
  nextRound: boolean;
}

export interface RolloutPreview {
  sidecarSet: string;
  matched: number;
  /** Pods on the new version right after the change (a rollback finds some already there). */
  updatedAfter: number;
  /** The pods the rollout will update under this change, in order, capped at PREVIEW_LIMIT. */
  pods: PreviewPod[];
  /** How many pods the next round updates. */
  nextRoundTotal: number;
  /** How many pods this change will have updated once its rounds are done (updated + covered). */
  coverTotal: number;
  /** Pods this change leaves on the old version, and why. */
  notCovered: { partition: number; selector: number; notUpgradable: number };
  paused: boolean;
  diff: DiffLine[];
  summary: string;
  warnings: string[];
}

export const PREVIEW_LIMIT = 200;

/** Runs the planner on the cached pods as if `change` were applied (never sends the fleet). */
export function previewChange(ctx: RolloutContext, change: PlannedChange): RolloutPreview {
  const after = applyChange(ctx.sidecarSet, change);
  let pods = ctx.pods;
  const labels = change.podLabels;
  if (labels) {
    // Namespace/workload canaries label their pods after the patch: plan as if they were labelled.
    const chosen = new Set(labels.pods.map((p) => `${p.namespace}/${p.name}`));
    pods = pods.map((p) =>
      chosen.has(`${podNamespace(p)}/${p.metadata.name}`)
        ? { ...p, metadata: { ...p.metadata, labels: { ...p.metadata.labels, [labels.key]: labels.value } } }
        : p,
    );
  }
  const plan = planWithSpec(
    { sidecarSet: ctx.sidecarSet, pods, namespaceLabels: ctx.namespaceLabels, revisions: ctx.revisions },
    after.spec,
  );
  const take = Math.max(0, plan.candidates.length - plan.partition);
  const covered = plan.candidates.slice(0, take);
  const next = new Set(plan.selection);
  const snapshot = ctx.cache.snapshot();
  const owners = buildOwnerIndex(snapshot);
  const warnings = [...change.warnings];
  const coverTotal = plan.status.updatedPods + covered.length + plan.inFlight.length;
  if (covered.length === 0 && plan.inFlight.length === 0 && change.action !== 'pause' && plan.status.updatedPods < plan.matched.length) {
    warnings.push(
      plan.partition > 0
        ? `This change updates no pod: the partition keeps ${plan.partition} of ${plan.candidates.length} candidate pods on the old version.`
        : 'This change updates no pod: no matched pod can be upgraded in place.',
    );
  }
  return {
    sidecarSet: ctx.sidecarSet.metadata.name,
    matched: plan.matched.length,
    updatedAfter: plan.status.updatedPods,
    pods: covered.slice(0, PREVIEW_LIMIT).map((p) => {
      const w = workloadOf(p, owners);
      return {
        namespace: podNamespace(p),
        name: p.metadata.name,
        workload: `${w.kind}/${w.name}`,
        nextRound: next.has(p) && !after.spec.updateStrategy?.paused,
      };
    }),
    nextRoundTotal: after.spec.updateStrategy?.paused ? 0 : plan.selection.length,
    coverTotal,
    notCovered: {
      partition: plan.candidates.length - covered.length,
      selector: plan.selectorExcluded.length,
      notUpgradable: plan.notUpgradable.length,
    },
    paused: after.spec.updateStrategy?.paused === true,
    diff: change.diff,
    summary: change.summary,
    warnings,
  };
}

// ------------------------------------------------------------------------------------------------
// The writes.
// ------------------------------------------------------------------------------------------------

export interface RolloutEventInput {
  sidecarSet: { name: string; uid?: string; resourceVersion?: string };
  apiVersion: string;
  reason: string;
  type: 'Normal' | 'Warning';
  message: string;
}

/**
 * The audit trail: a core/v1 Event about the SidecarSet. SidecarSets are cluster-scoped, so the
 * Event lives in `default` with an involvedObject that has no namespace (what kubectl describe
 * and the detail page's timeline look for).
 */
export async function writeRolloutEvent(session: FleetSession, input: RolloutEventInput): Promise<Result<string>> {
  const now = new Date();
  try {
    const api = session.client.kc.makeApiClient(CoreV1Api);
    const res = await api.createNamespacedEvent({
      namespace: EVENT_NAMESPACE,
      body: {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { generateName: `${input.sidecarSet.name}.`, namespace: EVENT_NAMESPACE },
        involvedObject: {
          apiVersion: input.apiVersion,
          kind: 'SidecarSet',
          name: input.sidecarSet.name,
          ...(input.sidecarSet.uid ? { uid: input.sidecarSet.uid } : {}),
          ...(input.sidecarSet.resourceVersion ? { resourceVersion: input.sidecarSet.resourceVersion } : {}),
        },
        reason: input.reason,
        message: input.message.slice(0, 1024),
        type: input.type,
        // client-node serializes these fields as Date: strings would fail to serialize.
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
        source: { component: COMPONENT, host: hostname() },
        reportingComponent: COMPONENT,
        reportingInstance: hostname(),
      },
    });
    return ok(res.metadata?.name ?? '');
  } catch (e) {
    return fail(toK8sError(e));
  }
}

const ACTION_VERB: Record<RolloutAction, string> = {
  canary: 'started a canary',
  promote: 'promoted the rollout',
  pause: 'paused the rollout',
  resume: 'resumed the rollout',
  rollback: 'rolled back',
};

export interface ApplyOutcome {
  sidecarSet: SidecarSet;
  action: RolloutAction;
  summary: string;
  /** Set when the change landed but its audit Event could not be written. */
  eventError?: string;
  /** Namespace/workload canaries: pods labelled, and failures. */
  labelled?: { done: number; failed: Array<{ pod: string; message: string }> };
}

export interface ApplyOptions {
  /** Ask the API server to validate without persisting (no pod labels, no Event). */
  dryRun?: boolean;
  cache?: FleetCache;
}

/**
 * Applies a planned change to a SidecarSet as `session`. Order: access reviews (patch the
 * SidecarSet; patch pods in each namespace a namespace/workload canary labels) → the one PATCH
 * (image, partition, selector and paused together) → pod labels → the audit Event.
 */
export async function applyRolloutChange(
  session: FleetSession,
  name: string,
  change: PlannedChange,
  opts: ApplyOptions = {},
): Promise<Result<ApplyOutcome>> {
  const ssWhat = `patch sidecarsets.${GROUP} "${name}"`;
  const access = await reviewAccess(session, { verb: 'patch', group: GROUP, resource: PLURAL, name }, true);
  if (!access.ok) return fail(access.error);
  if (!access.value.allowed) {
    return fail({ kind: 'Forbidden', code: 403, message: `Forbidden: ${access.value.reason}.` });
  }
  const labelNamespaces = [...new Set((change.podLabels?.pods ?? []).map((p) => p.namespace))].sort();
  for (const ns of labelNamespaces) {
    const a = await reviewAccess(session, { verb: 'patch', group: '', resource: 'pods', namespace: ns }, true);
    if (!a.ok) return fail(a.error);
    if (!a.value.allowed) {
      return fail({
        kind: 'Forbidden',
        code: 403,
        message: `Forbidden: ${a.value.reason}; a canary by namespace or workload labels its pods. Use an existing label instead.`,
      });
    }
  }

  const version = await kruiseVersion(session, opts.cache);
  if (!version.ok) return fail(version.error);
  let patched: SidecarSet;
  try {
    const api = session.client.kc.makeApiClient(CustomObjectsApi);
    const raw = await api.patchClusterCustomObject(
      {
        group: GROUP,
        version: version.value,
        plural: PLURAL,
        name,
        body: change.patch,
        ...(opts.dryRun ? { dryRun: 'All' } : {}),
      },
      setHeaderOptions('Content-Type', change.patchType === 'json' ? PatchStrategy.JsonPatch : PatchStrategy.MergePatch),
    );
    patched = trimSidecarSet(raw);
  } catch (e) {
    return fail(describeWriteError(toK8sError(e), { identity: session.identity, what: ssWhat, sidecarSet: name }));
  }
  const outcome: ApplyOutcome = { sidecarSet: patched, action: change.action, summary: change.summary };
  if (opts.dryRun) return ok(outcome);

  if (change.podLabels) {
    const { key, value, pods } = change.podLabels;
    const core = session.client.kc.makeApiClient(CoreV1Api);
    const failed: Array<{ pod: string; message: string }> = [];
    let done = 0;
    // A few at a time: a namespace can hold hundreds of pods, and the API server is shared.
    for (let i = 0; i < pods.length; i += 8) {
      await Promise.all(
        pods.slice(i, i + 8).map(async (p) => {
          try {
            await core.patchNamespacedPod(
              { namespace: p.namespace, name: p.name, body: { metadata: { labels: { [key]: value } } } },
              setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
            );
            done++;
          } catch (e) {
            failed.push({ pod: `${p.namespace}/${p.name}`, message: toK8sError(e).message });
          }
        }),
      );
    }
    outcome.labelled = { done, failed };
  }

  const event = await writeRolloutEvent(session, {
    sidecarSet: patched.metadata,
    apiVersion: `${GROUP}/${version.value}`,
    reason: ACTION_EVENT_REASON[change.action],
    type: change.action === 'pause' || change.action === 'rollback' ? 'Warning' : 'Normal',
    message: `${session.identity.user} ${ACTION_VERB[change.action]} via Sidecar Fleet: ${change.summary}`,
  });
  if (!event.ok) outcome.eventError = `The audit Event could not be written: ${event.error.message}`;
  return ok(outcome);
}

// ------------------------------------------------------------------------------------------------
// Pause every rollout in progress.
// ------------------------------------------------------------------------------------------------

export interface PauseAllOutcome {
  paused: string[];
  failed: Array<{ name: string; message: string }>;
  /** In progress but already paused (nothing to do). */
  skipped: string[];
}

/**
 * A SidecarSet is "in progress" when it rolls (not NotUpdate), is not paused, and some matched
 * pod is not updated yet: pausing it stops further pod updates.
 */
export function rolloutsInProgress(cache: FleetCache): SidecarSet[] {
  const out: SidecarSet[] = [];
  const pods = cache.pods.values();
  for (const ss of cache.sidecarsets?.values() ?? []) {
    const s = ss.spec.updateStrategy ?? {};
    if (s.type === 'NotUpdate' || s.paused) continue;
    const name = ss.metadata.name;
    const behind = pods.some((p) => isPodActive(p) && injectedList(p).includes(name) && !isUpdated(p, ss));
    if (behind || (ss.status && ss.status.updatedPods < ss.status.matchedPods)) out.push(ss);
  }
  return out.sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
}

export async function pauseAllRollouts(session: FleetSession, cache?: FleetCache): Promise<Result<PauseAllOutcome>> {
  const c = cache ?? sharedFleetCache(session.client);
  await c.ready(10_000);
  const result: PauseAllOutcome = { paused: [], failed: [], skipped: [] };
  for (const ss of rolloutsInProgress(c)) {
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
