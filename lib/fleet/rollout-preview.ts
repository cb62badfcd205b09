/**
 * What the rollout dialogs show before anything is written, as pure functions of a snapshot of
 * the cluster: the dialog's choices (containers, scopes, revisions), the pods a scope names, and
 * the planner's answer to "which pods would this change update". lib/k8s fills the snapshot from
 * its watch cache; tests fill it from JSON fixtures.
 */
import type { ClusterSnapshot } from './cluster-state';
import type { ControllerRevision, LabelSelector, Pod, SidecarSet } from './k8s-types';
import { KRUISE } from './k8s-types';
import { injectedList, podControllerRevision, podNamespace, podSidecarSetHashes, upgradeTypeOf } from './kruise-pod';
import {
  applyChange,
  type CanaryScope,
  type DiffLine,
  type PlannedChange,
  type RevisionImages,
  revisionImages,
  type SeenSidecarSet,
  seenFrom,
} from './rollout-actions';
import { type GuardSettings, guardPausedNote, parseGuardSettings } from './rollout-guard';
import { planRollout, planWithSpec } from './rollout-planner';
import type { WorkloadRef } from './views';
import { buildOwnerIndex, type OwnerIndex, workloadOf } from './workloads';

/** One SidecarSet and what its rollout depends on, as the cluster is now. */
export interface RolloutSnapshot {
  sidecarSet: SidecarSet;
  /** The pods the SidecarSet injected. */
  pods: Pod[];
  /** Namespace name → labels (for `namespaceSelector`). */
  namespaceLabels: Record<string, Record<string, string>>;
  /** Its ControllerRevisions, each with the `kruise.io/sidecarset-hash` of the pods on it. */
  revisions: ControllerRevision[];
  owners: OwnerIndex;
}

/** The snapshot for one SidecarSet out of the whole cluster's; null when it does not exist. */
export function rolloutSnapshot(cluster: ClusterSnapshot, name: string): RolloutSnapshot | null {
  const sidecarSet = cluster.sidecarSets.find((s) => s.metadata.name === name);
  if (!sidecarSet) return null;
  const pods = cluster.pods.filter((p) => injectedList(p).includes(name));
  const namespaceLabels: Record<string, Record<string, string>> = {};
  for (const ns of cluster.namespaces) namespaceLabels[ns.metadata.name] = ns.metadata.labels ?? {};
  const revisions = withRevisionHashes(
    cluster.revisions.filter((r) => r.metadata.labels?.[KRUISE.revisionSidecarSetLabel] === name),
    pods,
    name,
  );
  return { sidecarSet, pods, namespaceLabels, revisions, owners: buildOwnerIndex(cluster) };
}

/**
 * The planner's what-if recognises a rollback by the `kruise.io/sidecarset-hash` a revision
 * carries. The dashboard's cache keeps revisions trimmed (annotations dropped), so the hash comes
 * from the pods: each pod's hash entry names its controllerRevision. Without it a rollback preview
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

function planNow(s: RolloutSnapshot) {
  return planRollout({ sidecarSet: s.sidecarSet, pods: s.pods, namespaceLabels: s.namespaceLabels });
}

/** The pods Kruise counts for the SidecarSet now: what canary percentages and counts are of. */
export function matchedPods(s: RolloutSnapshot): Pod[] {
  return planNow(s).matched;
}

/**
 * What the user saw, with the matched count taken from the snapshot (never the browser's) and the
 * guard's pause note as the cluster has it: a forged view can only make the guarded write fail.
 */
export function serverSeen(s: RolloutSnapshot, fromBrowser?: SeenSidecarSet): SeenSidecarSet {
  const own = seenFrom(s.sidecarSet);
  const matched = matchedPods(s).length;
  if (!fromBrowser) return { ...own, matchedPods: matched };
  // The containers come from the cluster, never the browser: a forged empty list would skip
  // every image guard (staleView refuses a browser whose list differs).
  const seen: SeenSidecarSet = { ...fromBrowser, name: own.name, containers: own.containers, matchedPods: matched };
  if (fromBrowser.generation === undefined && own.generation !== undefined) seen.generation = own.generation;
  if (own.guardPaused) seen.guardPaused = true;
  else delete seen.guardPaused;
  return seen;
}

/**
 * Why the browser's view of the SidecarSet can no longer be acted on, if it cannot: its
 * containers and images differ from the cluster's, or its spec generation is older.
 */
export function staleView(s: RolloutSnapshot, fromBrowser: SeenSidecarSet | undefined): string | undefined {
  if (!fromBrowser) return undefined;
  const own = seenFrom(s.sidecarSet);
  const same =
    fromBrowser.containers.length === own.containers.length &&
    fromBrowser.containers.every((c, i) => c.name === own.containers[i]?.name && c.image === own.containers[i]?.image);
  if (!same) return 'the containers or images you saw are not the SidecarSet’s any more';
  if (fromBrowser.generation !== undefined && own.generation !== undefined && fromBrowser.generation < own.generation) {
    return 'the SidecarSet changed since you loaded it';
  }
  return undefined;
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

/** What a SidecarSet's rollout buttons need: may this identity act, and what its guard says. */
export interface RolloutPanel {
  canPatch: boolean;
  /** Why the buttons are disabled (access review), when they are. */
  reason?: string;
  guard?: RolloutGuardInfo & { status?: string };
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

/** Labels that name one pod or one template revision, or our own canary marks: no use as a scope. */
const NOISY_LABEL =
  /^(pod-template-hash|controller-revision-hash|pod-template-generation|statefulset\.kubernetes\.io\/pod-name|apps\.kubernetes\.io\/pod-index|canary\.sidecarfleet\.io\/.*)$/;

/** At most this many label choices: a fleet can carry thousands of distinct label pairs. */
const MAX_LABEL_OPTIONS = 200;

function countBy<T>(items: readonly T[], key: (t: T) => string | undefined): Map<string, number> {
  const m = new Map<string, number>();
  for (const it of items) {
    const k = key(it);
    if (k !== undefined) m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}

/** How the workload scope names a workload: `namespace/Kind/name`. */
function scopeWorkload(w: WorkloadRef): string {
  return `${w.namespace}/${w.kind}/${w.name}`;
}

function sortOptions(m: Map<string, number>, label = (v: string) => v): ScopeOption[] {
  return [...m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([value, pods]) => ({ value, label: label(value), pods }));
}

/** Everything the rollout dialogs offer: never the pods themselves. */
export function dialogContext(s: RolloutSnapshot): RolloutDialogContext {
  const ss = s.sidecarSet;
  const plan = planNow(s);
  const matched = plan.matched;
  const byNs = countBy(matched, (p) => podNamespace(p));
  const byWorkload = countBy(matched, (p) => scopeWorkload(workloadOf(p, s.owners)));
  const labelCounts = new Map<string, number>();
  for (const p of matched) {
    for (const [k, v] of Object.entries(p.metadata.labels ?? {})) {
      if (NOISY_LABEL.test(k)) continue;
      const kv = `${k}=${v}`;
      labelCounts.set(kv, (labelCounts.get(kv) ?? 0) + 1);
    }
  }
  const podsOnRevision = countBy(matched, (p) => podControllerRevision(p, ss.metadata.name));
  const u = ss.spec.updateStrategy ?? {};
  const strategy: RolloutDialogContext['strategy'] = {
    type: u.type ?? 'RollingUpdate',
    paused: u.paused === true,
    partition: u.partition ?? 0,
    maxUnavailable: u.maxUnavailable ?? 1,
  };
  if (u.selector) strategy.selector = u.selector;
  return {
    seen: serverSeen(s),
    matched: matched.length,
    containers: (ss.spec.containers ?? []).map((c) => ({
      name: c.name,
      image: c.image ?? '',
      upgradeType: upgradeTypeOf(c),
    })),
    namespaces: sortOptions(byNs),
    workloads: sortOptions(byWorkload, (v) => {
      const [ns, kind, name] = v.split('/');
      return `${kind} ${ns}/${name}`;
    }),
    // Only labels that pick a real subset: one every matched pod has would be the whole fleet.
    labels: sortOptions(new Map([...labelCounts].filter(([, n]) => n < matched.length))).slice(0, MAX_LABEL_OPTIONS),
    revisions: [...s.revisions]
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
  /** `namespace/Kind/name`, as the dialog's workload options name them. */
  | { kind: 'workload'; workload: string }
  /** `key=value`. */
  | { kind: 'label'; label: string };

/**
 * Turns the form's scope into the builder's: a namespace or workload becomes exactly its matched
 * pods (labelled with `token` after the patch); a label becomes a selector on it.
 */
export function resolveScope(s: RolloutSnapshot, input: ScopeInput, token: string): { scope: CanaryScope } | { error: string } {
  const podRefs = (pods: Pod[]) => pods.map((p) => ({ namespace: podNamespace(p), name: p.metadata.name }));
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
      const pods = matchedPods(s).filter((p) => podNamespace(p) === input.namespace);
      return { scope: { kind: 'pods', description: `namespace ${input.namespace}`, pods: podRefs(pods), token } };
    }
    case 'workload': {
      const pods = matchedPods(s).filter((p) => scopeWorkload(workloadOf(p, s.owners)) === input.workload);
      const [ns, kind, name] = input.workload.split('/');
      return { scope: { kind: 'pods', description: `${kind} ${ns}/${name}`, pods: podRefs(pods), token } };
    }
  }
}

export interface PreviewPod {
  namespace: string;
  name: string;
  /** `Kind/name`. */
  workload: string;
  /** In the next round (true) or a later one (false). */
  nextRound: boolean;
  /**
   * Kruise ranks this pod equally with others at a cut and chooses among them: `next-round`, it
   * is updated by this change but maybe in a later round; `covered`, it is updated only if Kruise
   * picks it (the partition keeps the others).
   */
  ifPicked?: 'next-round' | 'covered';
}

export interface RolloutPreview {
  sidecarSet: string;
  matched: number;
  /** Pods on the new version right after the change (a rollback finds some already there). */
  updatedAfter: number;
  /** The pods the rollout will update under this change, in order, capped at PREVIEW_LIMIT. */
  pods: PreviewPod[];
  /** Listed pods left out because they are in namespaces the person may not list. */
  hiddenPods?: number;
  /** How many pods the next round updates. */
  nextRoundTotal: number;
  /** The next round takes `pick` of `of` equally ranked pods, Kruise's choice which. */
  nextRoundTie?: { pick: number; of: number };
  /** The change updates `pick` of `of` equally ranked pods (the partition keeps the rest), Kruise's choice which. */
  coverTie?: { pick: number; of: number };
  /** How many pods this change will have updated once its rounds are done (updated + covered). */
  coverTotal: number;
  /** Pods this change leaves on the old version, and why. */
  notCovered: { partition: number; selector: number; notUpgradable: number };
  paused: boolean;
  diff: DiffLine[];
  summary: string;
  warnings: string[];
  /**
   * Set when the change must not be applied: it would update no pod although some are behind
   * (a partition and a maxUnavailable that together update nothing, kruise#1307). Pause and resume
   * are never refused for that.
   */
  refusal?: string;
}

export const PREVIEW_LIMIT = 200;

/** The guards of the change fail against the snapshot: the SidecarSet changed since it was seen. */
export type PreviewResult = { ok: true; preview: RolloutPreview } | { ok: false; stale: true };

/** Runs the planner on the snapshot's pods as if `change` were applied (nothing is sent). */
export function previewChange(s: RolloutSnapshot, change: PlannedChange): PreviewResult {
  let after: SidecarSet;
  try {
    after = applyChange(s.sidecarSet, change);
  } catch {
    return { ok: false, stale: true };
  }
  let pods = s.pods;
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
  const plan = planWithSpec({ sidecarSet: s.sidecarSet, pods, namespaceLabels: s.namespaceLabels, revisions: s.revisions }, after.spec);
  const take = Math.max(0, plan.candidates.length - plan.partition);
  const covered = plan.candidates.slice(0, take);
  const next = new Set(plan.selection);
  const paused = after.spec.updateStrategy?.paused === true;
  // Where Kruise ranks pods equally at a cut, list every one of them: which it takes is its choice.
  const coverTie = new Set(plan.partitionTie?.pods ?? []);
  const nextTie = new Set(paused ? [] : (plan.selectionTie?.pods ?? []));
  const lastTied = plan.partitionTie?.pods.at(-1);
  const listed = lastTied ? plan.candidates.slice(0, plan.candidates.indexOf(lastTied) + 1) : covered;
  const warnings = [...change.warnings];
  const coverTotal = plan.status.updatedPods + covered.length + plan.inFlight.length;
  const behind = plan.status.updatedPods < plan.matched.length;
  if (covered.length === 0 && plan.inFlight.length === 0 && change.action !== 'pause' && behind) {
    warnings.push(
      plan.partition > 0
        ? `This change updates no pod: the partition keeps ${plan.partition} of ${plan.candidates.length} candidate pods on the old version.`
        : 'This change updates no pod: no matched pod can be upgraded in place.',
    );
  }
  const preview: RolloutPreview = {
    sidecarSet: s.sidecarSet.metadata.name,
    matched: plan.matched.length,
    updatedAfter: plan.status.updatedPods,
    pods: listed.slice(0, PREVIEW_LIMIT).map((p) => {
      const w = workloadOf(p, s.owners);
      const ifPicked = coverTie.has(p) ? 'covered' : nextTie.has(p) ? 'next-round' : undefined;
      return {
        namespace: podNamespace(p),
        name: p.metadata.name,
        workload: `${w.kind}/${w.name}`,
        nextRound: next.has(p) && !paused && !nextTie.has(p),
        ...(ifPicked && { ifPicked }),
      };
    }),
    nextRoundTotal: paused ? 0 : plan.selection.length,
    ...(!paused && plan.selectionTie && { nextRoundTie: { pick: plan.selectionTie.pick, of: plan.selectionTie.pods.length } }),
    ...(plan.partitionTie && { coverTie: { pick: plan.partitionTie.pick, of: plan.partitionTie.pods.length } }),
    coverTotal,
    notCovered: {
      partition: plan.candidates.length - covered.length,
      selector: plan.selectorExcluded.length,
      notUpgradable: plan.notUpgradable.length,
    },
    paused,
    diff: change.diff,
    summary: change.summary,
    warnings,
  };
  const updatesNone = coverTotal <= preview.updatedAfter && behind;
  if (updatesNone && change.action !== 'pause' && change.action !== 'resume') {
    preview.refusal = warnings.at(-1) ?? 'this change would update no pod.';
  }
  return { ok: true, preview };
}
