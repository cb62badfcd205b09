/**
 * The SidecarSet rollout planner (pkg/controller/sidecarset/sidecarset_processor.go, pkg/controller/sidecarset/sidecarset_strategy.go): given a SidecarSet, the pods and the
 * namespace labels, which pods Kruise counts, which it would upgrade in the next round, and why
 * not more. One planner serves the simulator's controller and the dashboard's preview.
 *
 * Pure and deterministic: no clock, no randomness; ties are broken by namespace/name. Kruise breaks
 * them arbitrarily (sort.Slice over an informer's list), so where a cut (the next round, the
 * partition) falls between pods Kruise ranks equally, the plan says so (`selectionTie`,
 * `partitionTie`) rather than pretend to know which of them Kruise picks.
 */
import {
  idleHotUpgradeContainer,
  isConsistent,
  isHotUpgrade,
  isInFlight,
  isMatchedInNamespace,
  matchesNamespace,
  isReadyForSidecarSet,
  isUpdated,
  isUpgradable,
  maxUnavailableReplicas,
  partitionReplicas,
  podNamespace,
  sidecarContainerNames,
} from './kruise-pod';
import type { ControllerRevision, Pod, SidecarSet, SidecarSetSpec } from './k8s-types';
import { KRUISE } from './k8s-types';
import { isPodReady, podReadyTime } from './pod-readiness';
import { sidecarSetHashInput } from './kruise-hash';
import { matchesLabelSelector } from './label-selector';
import { sidecarFailureOf } from './pod-sidecars';

export interface PlanInput {
  sidecarSet: SidecarSet;
  pods: Pod[];
  /** Namespace name → labels of the Namespace object (for `namespaceSelector`). */
  namespaceLabels: Record<string, Record<string, string>>;
  /**
   * Per pod, what this plan found out about it for this SidecarSet object, kept by a caller that
   * plans the same SidecarSet object again over pods that are never edited (the dashboard's cache
   * replaces a changed object): a replan then reads each unchanged pod's facts instead of parsing
   * its annotations and statuses again. Only pod-and-SidecarSet facts are kept; the namespace
   * test is redone per plan.
   */
  facts?: WeakMap<Pod, number>;
}

// The bits of a pod's facts (PlanInput.facts). KNOWN marks a computed entry.
const KNOWN = 1;
const SELECTED = 2; // isMatchedInNamespace
const UPDATED = 4;
const CONSISTENT = 8;
const READY = 16;
const STRATEGY_SELECTED = 32;
const UPGRADABLE = 64;
const IN_FLIGHT = 128;
const HOT_RESET = 256;
const SIDECAR_FAILING = 512; // sidecarFailureOf

function podFacts(p: Pod, ss: SidecarSet, memo: WeakMap<Pod, number> | undefined): number {
  let f = memo?.get(p);
  if (f !== undefined) return f;
  f = KNOWN;
  if (isMatchedInNamespace(p, ss)) {
    f |= SELECTED;
    const strategy = ss.spec.updateStrategy ?? {};
    if (isUpdated(p, ss)) f |= UPDATED;
    if (isConsistent(p, ss)) f |= CONSISTENT;
    if (isReadyForSidecarSet(p, ss)) f |= READY;
    if (!strategy.selector || matchesLabelSelector(strategy.selector, p.metadata.labels ?? {})) f |= STRATEGY_SELECTED;
    if (isUpgradable(p, ss)) f |= UPGRADABLE;
    if (isInFlight(p, ss)) f |= IN_FLIGHT;
    if (needsHotUpgradeReset(p, ss)) f |= HOT_RESET;
    if (sidecarFailureOf(p, ss)) f |= SIDECAR_FAILING;
  }
  memo?.set(p, f);
  return f;
}

/**
 * Why the next round updates fewer pods than are not updated:
 * - complete: every matched pod is updated (or nothing is matched);
 * - notUpdate: `updateStrategy.type: NotUpdate`;
 * - paused: `updateStrategy.paused`;
 * - hotUpgradeReset: this round only resets idle hot-upgrade twins (flipHotUpgradingContainers, sidecarset_hotupgrade.go);
 * - selector: `updateStrategy.selector` leaves some not-updated pods out;
 * - notUpgradable: some pods differ in more than images and need recreating;
 * - inFlight: some pods are still finishing an earlier in-place change;
 * - partition: the partition keeps some candidates on the old version;
 * - maxUnavailable: the unavailability budget stopped the round.
 */
export type BlockReason =
  | 'complete'
  | 'notUpdate'
  | 'paused'
  | 'hotUpgradeReset'
  | 'selector'
  | 'notUpgradable'
  | 'inFlight'
  | 'partition'
  | 'maxUnavailable';

export interface RolloutStatusCounts {
  matchedPods: number;
  updatedPods: number;
  readyPods: number;
  updatedReadyPods: number;
}

export interface RolloutPlan {
  /** The pods Kruise counts (getMatchingPods), sorted by namespace/name. */
  matched: Pod[];
  /** The status the controller would write before touching any pod. */
  status: RolloutStatusCounts;
  /** Matched pods that are not updated. */
  notUpdated: number;
  /** Eligible not-updated pods in upgrade order (SortNextUpgradePods): ActivePods order, then priority, then scatter. */
  candidates: Pod[];
  /** Not updated, selected, but their without-image hash differs: they need recreating. */
  notUpgradable: Pod[];
  /** Not updated and upgradable, but an earlier in-place change is still landing: skipped this round. */
  inFlight: Pod[];
  /** Not updated but outside `updateStrategy.selector`. */
  selectorExcluded: Pod[];
  /**
   * Updated pods on which a sidecar container of S is failing (sidecarFailureOf), in `matched`
   * order: marked as the pods are counted, so the rollout's state does not read every pod's
   * statuses again.
   */
  failingUpdated: Pod[];
  /** Pods whose idle hot-upgrade twin the controller resets this round (flipHotUpgradingContainers, sidecarset_hotupgrade.go). */
  hotUpgradeReset: Pod[];
  /** CalculatePartitionReplicas (pkg/util/tools.go): how many candidates stay on the old version. */
  partition: number;
  /** maxUnavailable scaled over matched pods. */
  maxUnavailable: number;
  /** Updated pods that are not consistent or not ready, before this round. */
  unavailable: number;
  /** The pods this round upgrades (calculateUpgradeCount), in order. Empty when paused, NotUpdate or complete. */
  nextRound: Pod[];
  /** The calculateUpgradeCount selection ignoring pause/NotUpdate: what the next round would be once resumed. */
  selection: Pod[];
  /** Why `nextRound` is smaller than `notUpdated`; empty when it is not. */
  blockedBy: BlockReason[];
  /**
   * The end of `selection` falls inside a run of candidates Kruise ranks equally: Kruise picks
   * `pick` of `pods` (not necessarily the ones `selection` names, which breaks the tie by name).
   */
  selectionTie?: CutTie;
  /** Likewise for the partition's cut: which candidates the partition keeps on the old version. */
  partitionTie?: CutTie;
}

/** Equally ranked pods at a cut: Kruise takes `pick` of `pods`, and which ones is its choice. */
export interface CutTie {
  pods: Pod[];
  pick: number;
}

function podKey(p: Pod): string {
  return `${podNamespace(p)}/${p.metadata.name}`;
}

const PHASE_ORDINAL: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function timeOf(t: string | undefined): number {
  if (!t) return 0;
  const v = Date.parse(t);
  return Number.isNaN(v) ? 0 : v;
}

/** Kubernetes' afterOrZero: a zero time sorts first, otherwise the later time first. */
function afterOrZero(a: number, b: number): boolean {
  if (a === 0 || b === 0) return a === 0;
  return a > b;
}

function maxRestarts(p: Pod): number {
  let m = 0;
  for (const s of p.status?.containerStatuses ?? []) m = Math.max(m, s.restartCount ?? 0);
  return m;
}

interface ActiveKey {
  unscheduled: boolean;
  phase: number;
  ready: boolean;
  readyTime: number;
  restarts: number;
  created: number;
  key: string;
}

function activeKey(p: Pod): ActiveKey {
  const ready = isPodReady(p);
  return {
    unscheduled: (p.spec.nodeName ?? '') === '',
    phase: PHASE_ORDINAL[p.status?.phase ?? ''] ?? 0,
    ready,
    readyTime: ready ? timeOf(podReadyTime(p)) : 0,
    restarts: maxRestarts(p),
    created: timeOf(p.metadata.creationTimestamp),
    key: podKey(p),
  };
}

/** ActivePods ranks the two pods equally: only the name (our tie-break) tells them apart. */
function sameActiveRank(a: ActiveKey, b: ActiveKey): boolean {
  return (
    a.unscheduled === b.unscheduled &&
    a.phase === b.phase &&
    a.ready === b.ready &&
    a.readyTime === b.readyTime &&
    a.restarts === b.restarts &&
    a.created === b.created
  );
}

function compareActiveKeys(a: ActiveKey, b: ActiveKey): number {
  if (a.unscheduled !== b.unscheduled) return a.unscheduled ? -1 : 1;
  if (a.phase !== b.phase) return a.phase - b.phase;
  if (a.ready !== b.ready) return a.ready ? 1 : -1;
  if (a.ready && b.ready && a.readyTime !== b.readyTime) return afterOrZero(a.readyTime, b.readyTime) ? -1 : 1;
  if (a.restarts !== b.restarts) return b.restarts - a.restarts;
  if (a.created !== b.created) return afterOrZero(a.created, b.created) ? -1 : 1;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/**
 * Kubernetes `controller.ActivePods` Less: unscheduled first, Pending < Unknown < Running, not
 * ready first, more recently ready first, more restarts first, newer first; then namespace/name
 * (sort.Slice is not stable, so ties need a rule).
 */
export function compareActivePods(a: Pod, b: Pod): number {
  return compareActiveKeys(activeKey(a), activeKey(b));
}

/** Sorts pods in ActivePods order, computing each pod's sort key once. */
export function sortActivePods(pods: readonly Pod[]): Pod[] {
  return pods
    .map((p) => ({ p, k: activeKey(p) }))
    .sort((x, y) => compareActiveKeys(x.k, y.k))
    .map((x) => x.p);
}

function weightOf(pod: Pod, terms: NonNullable<SidecarSetSpec['updateStrategy']>['priorityStrategy']): number {
  let w = 0;
  for (const t of terms?.weightPriority ?? []) {
    if (matchesLabelSelector(t.matchSelector, pod.metadata.labels ?? {})) w += t.weight;
  }
  return w;
}

function orderOf(pod: Pod, keys: Array<{ orderedKey: string }>): { level: number; num: number } {
  const labels = pod.metadata.labels ?? {};
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]?.orderedKey ?? '';
    const value = labels[key];
    if (value !== undefined) {
      const m = /([0-9]+)$/.exec(value);
      return { level: i, num: m ? Number(m[1]) : 0 };
    }
  }
  // (quirk) pods with none of the keys get level -1 and so come first.
  return { level: -1, num: 0 };
}

/** SortNextUpgradePods, priority step: a stable re-sort by weight (higher first) or order (lower level, then larger number first). */
export function prioritySort(pods: Pod[], strategy: NonNullable<SidecarSetSpec['updateStrategy']>['priorityStrategy']): Pod[] {
  if (!strategy) return pods;
  const indexed = pods.map((p, i) => ({ p, i }));
  if ((strategy.weightPriority ?? []).length > 0) {
    const w = new Map(pods.map((p) => [p, weightOf(p, strategy)]));
    indexed.sort((a, b) => (w.get(b.p) ?? 0) - (w.get(a.p) ?? 0) || a.i - b.i);
  } else if ((strategy.orderPriority ?? []).length > 0) {
    const keys = strategy.orderPriority ?? [];
    const o = new Map(pods.map((p) => [p, orderOf(p, keys)]));
    indexed.sort((a, b) => {
      const oa = o.get(a.p) ?? { level: -1, num: 0 };
      const ob = o.get(b.p) ?? { level: -1, num: 0 };
      return oa.level - ob.level || ob.num - oa.num || a.i - b.i;
    });
  }
  return indexed.map((x) => x.p);
}

interface ScatterTerm {
  key: string;
  value: string;
}

/** `value: "*"` expands to one term per distinct value of the key among the pods (sorted for determinism). */
export function expandScatterTerms(terms: ScatterTerm[], pods: Pod[]): ScatterTerm[] {
  const out: ScatterTerm[] = [];
  const seen = new Set<string>();
  const push = (t: ScatterTerm) => {
    const id = `${t.key}\u0000${t.value}`;
    if (!seen.has(id)) {
      seen.add(id);
      out.push(t);
    }
  };
  for (const t of terms) {
    if (t.value !== '*') {
      push(t);
      continue;
    }
    const values = new Set<string>();
    for (const p of pods) {
      const v = p.metadata.labels?.[t.key];
      if (v !== undefined) values.add(v);
    }
    for (const v of [...values].sort()) push({ key: t.key, value: v });
  }
  return out;
}

function matchesTerm(p: Pod, t: ScatterTerm): boolean {
  return p.metadata.labels?.[t.key] === t.value;
}

/**
 * Spreads the candidates matching one term evenly among the others, at the density the term has
 * over all matched pods, and moves the last matching candidate to the very end.
 */
function scatterByTerm(order: Pod[], all: Pod[], term: ScatterTerm): Pod[] {
  const hit = order.filter((p) => matchesTerm(p, term));
  const miss = order.filter((p) => !matchesTerm(p, term));
  if (hit.length < 2 || miss.length < 2) return order;
  let totalHit = 0;
  for (const p of all) if (matchesTerm(p, term)) totalHit++;
  const totalMiss = all.length - totalHit;
  const last = hit.pop() as Pod;
  totalHit--;

  // Group sizes: by the whole pod set's density when the candidates are denser in misses than it,
  // otherwise by the candidates' own density. Surplus misses go first.
  const groups = Math.min(hit.length, miss.length);
  let hitSize = Math.max(1, Math.round(hit.length / groups));
  let missSize = Math.max(1, Math.round(miss.length / groups));
  let lead = 0;
  if (totalHit > 0 && totalMiss > 0 && totalHit / totalMiss > hit.length / miss.length) {
    const g = Math.min(totalHit, totalMiss);
    hitSize = Math.max(1, Math.round(totalHit / g));
    missSize = Math.max(1, Math.round(totalMiss / g));
    lead = Math.max(0, miss.length - Math.ceil(hit.length / hitSize) * missSize);
  }
  const out: Pod[] = miss.splice(0, lead);
  while (hit.length > 0 || miss.length > 0) {
    out.push(...hit.splice(0, hitSize));
    out.push(...miss.splice(0, missSize));
  }
  out.push(last);
  return out;
}

/** SortNextUpgradePods, scatter step: scatter terms, most-matched first (ties in term order). */
export function scatterSort(candidates: Pod[], all: Pod[], strategy: ScatterTerm[] | undefined): Pod[] {
  if (!strategy || strategy.length === 0 || candidates.length <= 1) return candidates;
  const terms = expandScatterTerms(strategy, all);
  const counts = terms.map((t) => candidates.filter((p) => matchesTerm(p, t)).length);
  const ordered = terms
    .map((t, i) => ({ t, i, n: counts[i] ?? 0 }))
    .filter((x) => x.n > 0)
    .sort((a, b) => b.n - a.n || a.i - b.i);
  let order = candidates;
  for (const { t } of ordered) order = scatterByTerm(order, all, t);
  return order;
}

/**
 * Kruise's upgrade order ranks the two pods equally: same ActivePods rank, same priority, and the
 * same values for the scatter keys (so the scatter sort treats them alike).
 */
export function sameUpgradeRank(a: Pod, b: Pod, ss: SidecarSet): boolean {
  if (!sameActiveRank(activeKey(a), activeKey(b))) return false;
  const strategy = ss.spec.updateStrategy ?? {};
  const priority = strategy.priorityStrategy;
  if (priority && weightOf(a, priority) !== weightOf(b, priority)) return false;
  if ((priority?.orderPriority ?? []).length > 0) {
    const keys = priority?.orderPriority ?? [];
    const oa = orderOf(a, keys);
    const ob = orderOf(b, keys);
    if (oa.level !== ob.level || oa.num !== ob.num) return false;
  }
  for (const term of strategy.scatterStrategy ?? []) {
    if (a.metadata.labels?.[term.key] !== b.metadata.labels?.[term.key]) return false;
  }
  return true;
}

/** The run of equally ranked pods that a cut after `n` pods of `order` splits, if any. */
export function tieAtCut(order: Pod[], n: number, ss: SidecarSet): CutTie | undefined {
  if (n <= 0 || n >= order.length) return undefined;
  const same = (i: number, j: number) => sameUpgradeRank(order[i] as Pod, order[j] as Pod, ss);
  if (!same(n - 1, n)) return undefined;
  let start = n - 1;
  while (start > 0 && same(start - 1, start)) start--;
  let end = n;
  while (end + 1 < order.length && same(end, end + 1)) end++;
  return { pods: order.slice(start, end + 1), pick: n - start };
}

/** SortNextUpgradePods (pkg/controller/sidecarset/sidecarset_strategy.go): ActivePods order, then priority, then scatter. */
export function sortCandidates(candidates: Pod[], matched: Pod[], ss: SidecarSet): Pod[] {
  const strategy = ss.spec.updateStrategy ?? {};
  let order = sortActivePods(candidates);
  order = prioritySort(order, strategy.priorityStrategy);
  order = scatterSort(order, matched, strategy.scatterStrategy);
  return order;
}

/**
 * flipHotUpgradingContainers (sidecarset_hotupgrade.go): pods whose idle hot twin still runs a real image, whose other sidecars are
 * consistent, and that are Running & Ready or have every container but the idle twins ready.
 */
export function needsHotUpgradeReset(pod: Pod, ss: SidecarSet): boolean {
  const hot = (ss.spec.containers ?? []).filter(isHotUpgrade);
  if (hot.length === 0) return false;
  const images = new Map(pod.spec.containers.map((c) => [c.name, c.image ?? '']));
  const idle = new Set<string>();
  let pending = false;
  for (const c of hot) {
    const twin = idleHotUpgradeContainer(pod, c.name);
    idle.add(twin);
    if (images.get(twin) !== (c.upgradeStrategy?.hotUpgradeEmptyImage ?? '')) pending = true;
  }
  if (!pending) return false;
  const others = sidecarContainerNames(ss).filter((n) => !idle.has(n));
  if (!isConsistent(pod, ss, others)) return false;
  if (pod.status?.phase === 'Running' && isPodReady(pod)) return true;
  const statuses = pod.status?.containerStatuses ?? [];
  return statuses.length > 0 && pod.spec.containers.every((c) => idle.has(c.name) || statuses.some((s) => s.name === c.name && s.ready));
}

/**
 * The order of `namespace/name` keys without building them (the planner runs over every pod of
 * every SidecarSet at each model build). A namespace has no '/', so where two namespaces differ
 * the keys differ at the same place, or at the '/' ending the shorter one.
 */
function comparePodKeys(a: Pod, b: Pod): number {
  const na = podNamespace(a);
  const nb = podNamespace(b);
  if (na === nb) {
    const x = a.metadata.name;
    const y = b.metadata.name;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (nb.startsWith(na)) return '/' < (nb[na.length] as string) ? -1 : 1;
  if (na.startsWith(nb)) return (na[nb.length] as string) < '/' ? -1 : 1;
  return na < nb ? -1 : 1;
}

/**
 * Sorts `pods` by namespace/name in place, moving each pod's `bits` with it. A list already in
 * that order (a cache's lists come from the API server in key order) costs one pass.
 */
function sortByKey(pods: Pod[], bits: number[]): void {
  let sorted = true;
  for (let i = 1; i < pods.length && sorted; i++) sorted = comparePodKeys(pods[i - 1] as Pod, pods[i] as Pod) <= 0;
  if (sorted) return;
  const pairs = pods.map((p, i) => ({ p, f: bits[i] as number }));
  pairs.sort((x, y) => comparePodKeys(x.p, y.p));
  for (let i = 0; i < pairs.length; i++) {
    pods[i] = (pairs[i] as { p: Pod }).p;
    bits[i] = (pairs[i] as { f: number }).f;
  }
}

/** Plans the next round of a SidecarSet (UpdateSidecarSet in pkg/controller/sidecarset/sidecarset_processor.go). */
export function planRollout(input: PlanInput): RolloutPlan {
  const ss = input.sidecarSet;
  const strategy = ss.spec.updateStrategy ?? {};
  // The matched pods (sorted by namespace/name) and, at the same index, their facts.
  const matched: Pod[] = [];
  const bits: number[] = [];
  const namespaceMatch = new Map<string, boolean>();
  for (const p of input.pods) {
    const f = podFacts(p, ss, input.facts);
    if (!(f & SELECTED)) continue;
    const ns = podNamespace(p);
    let inNamespace = namespaceMatch.get(ns);
    if (inNamespace === undefined) {
      inNamespace = matchesNamespace(ss, ns, input.namespaceLabels);
      namespaceMatch.set(ns, inNamespace);
    }
    if (inNamespace) {
      matched.push(p);
      bits.push(f);
    }
  }
  sortByKey(matched, bits);

  let updatedPods = 0;
  let readyPods = 0;
  let updatedReadyPods = 0;
  let unavailable = 0;
  const selectorExcluded: Pod[] = [];
  const notUpgradable: Pod[] = [];
  const inFlight: Pod[] = [];
  const eligible: Pod[] = [];
  const hotUpgradeReset: Pod[] = [];
  const failingUpdated: Pod[] = [];
  /** Eligible pods that are ready: only they use the unavailability budget. */
  const readyEligible = new Set<Pod>();
  for (let i = 0; i < matched.length; i++) {
    const p = matched[i] as Pod;
    const f = bits[i] as number;
    const ok = (f & CONSISTENT) !== 0 && (f & READY) !== 0;
    if (ok) readyPods++;
    if (f & HOT_RESET) hotUpgradeReset.push(p);
    if (f & UPDATED) {
      updatedPods++;
      if (f & SIDECAR_FAILING) failingUpdated.push(p);
      if (ok) updatedReadyPods++;
      else unavailable++;
    } else if (!(f & STRATEGY_SELECTED)) {
      selectorExcluded.push(p);
    } else if (!(f & UPGRADABLE)) {
      notUpgradable.push(p);
    } else if (f & IN_FLIGHT) {
      inFlight.push(p);
    } else {
      eligible.push(p);
      if (f & READY) readyEligible.add(p);
    }
  }
  const status: RolloutStatusCounts = {
    matchedPods: matched.length,
    updatedPods,
    readyPods,
    updatedReadyPods,
  };

  const candidates = sortCandidates(eligible, matched, ss);

  const partition = partitionReplicas(strategy.partition, matched.length);
  const maxUnavailable = maxUnavailableReplicas(strategy.maxUnavailable, matched.length);
  const selection: Pod[] = [];
  let budgetHit = false;
  const take = candidates.length - partition;
  if (take > 0) {
    let used = unavailable;
    for (const c of candidates.slice(0, take)) {
      if (!readyEligible.has(c)) {
        // Not-ready pods never use budget.
        selection.push(c);
        continue;
      }
      if (used >= maxUnavailable) {
        budgetHit = true;
        break;
      }
      used++;
      selection.push(c);
    }
  }

  const notUpdated = matched.length - updatedPods;
  const isNotUpdate = strategy.type === 'NotUpdate';
  const paused = strategy.paused === true;
  const complete = updatedPods >= matched.length;

  let nextRound: Pod[] = selection;
  const blockedBy: BlockReason[] = [];
  if (isNotUpdate) {
    nextRound = [];
    blockedBy.push('notUpdate');
  } else if (paused) {
    nextRound = [];
    blockedBy.push('paused');
  } else if (hotUpgradeReset.length > 0) {
    nextRound = [];
    blockedBy.push('hotUpgradeReset');
  } else if (complete) {
    nextRound = [];
  }
  if (complete) blockedBy.push('complete');
  if (nextRound.length < notUpdated) {
    if (selectorExcluded.length > 0) blockedBy.push('selector');
    if (notUpgradable.length > 0) blockedBy.push('notUpgradable');
    if (inFlight.length > 0) blockedBy.push('inFlight');
    if (partition > 0 && candidates.length > 0) blockedBy.push('partition');
    if (budgetHit) blockedBy.push('maxUnavailable');
  }

  return {
    matched,
    status,
    notUpdated,
    candidates,
    notUpgradable,
    inFlight,
    selectorExcluded,
    hotUpgradeReset,
    failingUpdated,
    partition,
    maxUnavailable,
    unavailable,
    nextRound,
    selection,
    blockedBy,
    selectionTie: tieAtCut(candidates, selection.length, ss),
    partitionTie: tieAtCut(candidates, Math.max(0, take), ss),
  };
}

// ---------------------------------------------------------------------------------------------
// "What if": plan as if the spec had changed.

function revisionSpec(rev: ControllerRevision): SidecarSetSpec | undefined {
  const data = rev.data as { spec?: SidecarSetSpec } | undefined;
  return data?.spec;
}

export interface WhatIfOptions {
  /** The SidecarSet's ControllerRevisions (kruise-system): a rollback to one of them reuses its hashes. */
  revisions?: ControllerRevision[];
}

/**
 * The SidecarSet as it would be after `changedSpec` is applied: the spec replaced, and the two hash
 * annotations predicted. A hash is kept when its inputs did not change, taken from a stored revision
 * whose inputs equal the new ones (a rollback), and otherwise replaced by a value no pod carries.
 */
export function withChangedSpec(current: SidecarSet, changedSpec: SidecarSetSpec, opts: WhatIfOptions = {}): SidecarSet {
  const annotations = { ...(current.metadata.annotations ?? {}) };
  const revisions = [...(opts.revisions ?? [])].sort((a, b) => b.revision - a.revision);
  const predict = (key: string, withImage: boolean) => {
    const want = sidecarSetHashInput(changedSpec, withImage);
    if (want === sidecarSetHashInput(current.spec, withImage)) return;
    for (const rev of revisions) {
      const spec = revisionSpec(rev);
      const hash = rev.metadata.annotations?.[key];
      if (spec && hash && sidecarSetHashInput(spec, withImage) === want) {
        annotations[key] = hash;
        return;
      }
    }
    annotations[key] = `what-if:${key.endsWith('without-image') ? 'without-image:' : ''}${want.length}:${djb2(want)}`;
  };
  predict(KRUISE.sidecarSetHash, true);
  predict(KRUISE.sidecarSetHashWithoutImage, false);
  return { ...current, metadata: { ...current.metadata, annotations }, spec: changedSpec };
}

function djb2(s: string): string {
  let h = 5381;
  for (let i = 0; i < s.length; i++) h = ((h * 33) ^ s.charCodeAt(i)) >>> 0;
  return h.toString(36);
}

/**
 * Plans the next round as if the SidecarSet's spec were `changedSpec` (a new image, a partition, a
 * selector...). With a new image every matched pod is not updated, unless the image returns to a
 * stored revision some pods still carry.
 */
export function planWithSpec(input: PlanInput & WhatIfOptions, changedSpec: SidecarSetSpec): RolloutPlan {
  const { revisions, ...rest } = input;
  return planRollout({ ...rest, sidecarSet: withChangedSpec(input.sidecarSet, changedSpec, { revisions }) });
}
