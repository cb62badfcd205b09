/**
 * Per SidecarSet: the planner over the pods it injected, its rollout state and summary, and the
 * detail view (spec, revisions, pods by revision, why the rollout stands where it does).
 */
import type { ControllerRevision, Pod, SidecarSet } from '../k8s-types';
import { KRUISE } from '../k8s-types';
import { canaryBaseOf, isUpdated, upgradeTypeOf } from '../kruise-pod';
import { formatSelector } from '../label-selector';
import type { SidecarContext } from '../pod-sidecars';
import { revisionImages } from '../rollout-actions';
import { planRollout, type RolloutPlan } from '../rollout-planner';
import { rolloutState } from '../rollout-state';
import type {
  EventGroups,
  PodGroup,
  RevisionRow,
  RolloutExplanation,
  RolloutState,
  SidecarContainerSummary,
  SidecarSetDetailView,
  SidecarSetSpecView,
  SidecarSetSummary,
  StrategySummary,
} from '../views';
import { type PodEntries, type PodEntry, podKey, podRow, sameItems } from './pod-entries';

export const SIDECARSET_PODS_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 500;
const MAX_NEXT_ROUND_NAMES = 50;
/** "Stuck for N minutes" is re-judged at least this often even when nothing changed. */
const STATE_BUCKET_MS = 15_000;

export interface SidecarSetEntry {
  ss: SidecarSet;
  plan: RolloutPlan;
  state: RolloutState;
  summary: SidecarSetSummary;
  /** Active pods the SidecarSet injected (matched or not). */
  injected: PodEntry[];
  neverInjected: number;
}

/** A SidecarSet's plan kept from one build to the next while its object and injected pods stay the same. */
export interface KeptPlan {
  ss: SidecarSet;
  /** The planner's per-pod facts for this SidecarSet object (PlanInput.facts). */
  facts: WeakMap<Pod, number>;
  pods: readonly unknown[];
  /** The entries the pods came from, and the active ones among them (SidecarSetEntry.injected). */
  entries: readonly PodEntry[];
  active: PodEntry[];
  plan: RolloutPlan;
  state: RolloutState;
  neverInjected: number;
  bucket: number;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function summarizeStrategy(ss: SidecarSet): StrategySummary {
  const u = ss.spec.updateStrategy ?? {};
  const out: StrategySummary = {
    type: u.type ?? 'RollingUpdate',
    paused: u.paused === true,
    partition: u.partition ?? 0,
    maxUnavailable: u.maxUnavailable ?? 1,
    injectionPaused: ss.spec.injectionStrategy?.paused === true,
  };
  if (u.selector) out.selector = formatSelector(u.selector);
  return out;
}

export function summarizeContainers(ss: SidecarSet): SidecarContainerSummary[] {
  const out: SidecarContainerSummary[] = [];
  for (const c of ss.spec.containers ?? []) {
    out.push({ name: c.name, image: c.image ?? '', upgradeType: upgradeTypeOf(c), init: false });
  }
  for (const c of ss.spec.initContainers ?? []) {
    out.push({ name: c.name, image: c.image ?? '', upgradeType: 'ColdUpgrade', init: true });
  }
  return out;
}

/** One entry per SidecarSet (sorted by name), reusing kept plans whose inputs did not change. */
export function* buildSidecarSetEntries(
  sidecarSets: readonly SidecarSet[],
  { all: pods, byInjector, podsByInjector, replaced }: Pick<PodEntries, 'all' | 'byInjector' | 'podsByInjector' | 'replaced'>,
  namespaceLabels: Record<string, Record<string, string>>,
  now: Date,
  kept: Map<string, KeptPlan>,
): Generator<void, Map<string, SidecarSetEntry>, void> {
  const neverInjectedCount = new Map<string, number>();
  for (const p of pods) {
    for (const n of p.drift.neverInjected) neverInjectedCount.set(n.sidecarSet, (neverInjectedCount.get(n.sidecarSet) ?? 0) + 1);
  }
  const bucket = Math.floor(now.getTime() / STATE_BUCKET_MS);
  const replacedOnly = replaced !== undefined;
  const entries = new Map<string, SidecarSetEntry>();
  for (const ss of [...sidecarSets].sort((a, b) => cmp(a.metadata.name, b.metadata.name))) {
    const name = ss.metadata.name;
    const injected = byInjector.get(name) ?? [];
    const injectedPods = podsByInjector.get(name) ?? [];
    const neverInjected = neverInjectedCount.get(name) ?? 0;
    let k = kept.get(name);
    // The lists of the SidecarSets whose pods did not change are the last build's when the pods
    // were only replaced in place (PodEntries.replaced): then another list has other pods. No pods
    // is a new empty list each build, and the same pods.
    const samePods =
      k !== undefined &&
      (k.pods === injectedPods || (k.pods.length === 0 && injectedPods.length === 0) || (!replacedOnly && sameItems(k.pods, injectedPods)));
    if (!k || k.ss !== ss || !samePods) {
      yield;
      const facts = k?.ss === ss ? k.facts : new WeakMap<Pod, number>();
      const plan = planRollout({ sidecarSet: ss, pods: injectedPods, namespaceLabels, facts });
      k = {
        ss,
        facts,
        pods: injectedPods,
        entries: injected,
        active: injected.filter((e) => e.active),
        plan,
        state: rolloutState(ss, plan, { neverInjected, now }),
        neverInjected,
        bucket,
      };
      kept.set(name, k);
    } else if (k.neverInjected !== neverInjected || k.bucket !== bucket) {
      k.state = rolloutState(ss, k.plan, { neverInjected, now });
      k.neverInjected = neverInjected;
      k.bucket = bucket;
    }
    // The same pods in another list: kept, so that the next build knows it by identity.
    k.pods = injectedPods;
    if (k.entries !== injected) {
      // The same pods, from entries made again (an injector's revision changed, say).
      k.entries = injected;
      k.active = injected.filter((e) => e.active);
    }
    const { plan, state } = k;
    const summary: SidecarSetSummary = {
      name,
      resourceVersion: ss.metadata.resourceVersion ?? '',
      generation: ss.metadata.generation ?? 0,
      containers: summarizeContainers(ss),
      selector: formatSelector(ss.spec.selector),
      strategy: summarizeStrategy(ss),
      matchedPods: plan.status.matchedPods,
      updatedPods: plan.status.updatedPods,
      readyPods: plan.status.readyPods,
      updatedReadyPods: plan.status.updatedReadyPods,
      state,
    };
    if (ss.status?.observedGeneration !== undefined) summary.observedGeneration = ss.status.observedGeneration;
    if (ss.spec.namespaceSelector) summary.namespaceSelector = formatSelector(ss.spec.namespaceSelector);
    if (ss.status?.latestRevision) summary.latestRevision = ss.status.latestRevision;
    if (ss.metadata.creationTimestamp) summary.createdAt = ss.metadata.creationTimestamp;
    entries.set(name, { ss, plan, state, summary, injected: k.active, neverInjected });
  }
  return entries;
}

function specView(ss: SidecarSet): SidecarSetSpecView {
  const u = ss.spec.updateStrategy ?? {};
  const spec: SidecarSetSpecView = {
    containers: [
      ...(ss.spec.containers ?? []).map((c) => {
        const v: SidecarSetSpecView['containers'][number] = {
          name: c.name,
          image: c.image ?? '',
          upgradeType: upgradeTypeOf(c),
          init: false,
          podInjectPolicy: c.podInjectPolicy ?? 'BeforeAppContainer',
        };
        if (c.upgradeStrategy?.hotUpgradeEmptyImage) v.hotUpgradeEmptyImage = c.upgradeStrategy.hotUpgradeEmptyImage;
        return v;
      }),
      ...(ss.spec.initContainers ?? []).map((c) => ({
        name: c.name,
        image: c.image ?? '',
        upgradeType: 'ColdUpgrade' as const,
        init: true,
        podInjectPolicy: c.podInjectPolicy ?? 'AfterAppContainer',
      })),
    ],
    selector: formatSelector(ss.spec.selector),
    strategy: { ...summarizeStrategy(ss) },
    injection: { paused: ss.spec.injectionStrategy?.paused === true },
  };
  if (ss.spec.namespaceSelector) spec.namespaceSelector = formatSelector(ss.spec.namespaceSelector);
  if (u.priorityStrategy?.weightPriority?.length) {
    spec.strategy.priority = u.priorityStrategy.weightPriority
      .map((w) => `weight ${w.weight}: ${formatSelector(w.matchSelector)}`)
      .join('; ');
  } else if (u.priorityStrategy?.orderPriority?.length) {
    spec.strategy.priority = `order by ${u.priorityStrategy.orderPriority.map((o) => o.orderedKey).join(', ')}`;
  }
  if (u.scatterStrategy?.length) spec.strategy.scatter = u.scatterStrategy.map((t) => `${t.key}=${t.value}`).join(', ');
  const rev = ss.spec.injectionStrategy?.revision;
  if (rev?.revisionName) spec.injection.revision = rev.revisionName;
  if (rev?.customVersion) spec.injection.customVersion = rev.customVersion;
  if (rev && (rev.revisionName || rev.customVersion)) spec.injection.policy = rev.policy ?? 'Always';
  const customVersion = ss.spec.customVersion ?? ss.metadata.labels?.[KRUISE.customVersionLabel];
  if (customVersion) spec.customVersion = customVersion;
  if (ss.spec.revisionHistoryLimit !== undefined) spec.revisionHistoryLimit = ss.spec.revisionHistoryLimit;
  const canaryOf = canaryBaseOf(ss);
  if (canaryOf) spec.canaryOf = canaryOf;
  return spec;
}

export interface SidecarSetDetailOptions {
  /** 1-based page of pods shown in every revision group. */
  podsPage?: number;
  podsPageSize?: number;
}

/** The SidecarSet page: spec, revision history, pods grouped by revision, and the planner's why. */
export function sidecarSetDetailView(
  e: SidecarSetEntry,
  revisions: readonly ControllerRevision[],
  ctx: SidecarContext,
  eventGroups: EventGroups,
  opts: SidecarSetDetailOptions,
): Omit<SidecarSetDetailView, 'freshness'> {
  const { ss, plan } = e;
  const name = ss.metadata.name;
  // Pods on each revision, counted over the active pods this SidecarSet injected.
  type Group = { revision: string | null; pods: PodEntry[]; updated: boolean };
  const groups = new Map<string, Group>();
  // Pods come in runs of one revision (a rollout step): a run's group is looked up once, not per
  // pod (3,000 pods per page, recomputed after each build under churn).
  let last: Group | undefined;
  for (const p of e.injected) {
    const s = p.sidecars.find((x) => x.sidecarSet === name);
    const revision = s?.revision ?? null;
    const updated = isUpdated(p.pod, ss);
    if (last?.revision !== revision || last.updated !== updated) {
      const gk = `${revision ?? ''}\u0000${updated}`;
      last = groups.get(gk);
      if (!last) {
        last = { revision, pods: [], updated };
        groups.set(gk, last);
      }
    }
    last.pods.push(p);
  }
  const podsOnRevision = new Map<string, number>();
  for (const g of groups.values()) {
    if (g.revision) podsOnRevision.set(g.revision, (podsOnRevision.get(g.revision) ?? 0) + g.pods.length);
  }
  const revisionRows: RevisionRow[] = revisions
    .filter((r) => r.metadata.labels?.[KRUISE.revisionSidecarSetLabel] === name)
    .sort((x, y) => y.revision - x.revision)
    .map((r) => {
      const row: RevisionRow = {
        name: r.metadata.name,
        revision: r.revision,
        images: Object.fromEntries(revisionImages(r).containers.map((c) => [c.name, c.image])),
        pods: podsOnRevision.get(r.metadata.name) ?? 0,
        latest: r.metadata.name === ss.status?.latestRevision,
      };
      const cv = r.metadata.labels?.[KRUISE.customVersionLabel];
      if (cv) row.customVersion = cv;
      if (r.metadata.creationTimestamp) row.createdAt = r.metadata.creationTimestamp;
      return row;
    });
  const pageSize = Math.min(Math.max(Math.trunc(opts.podsPageSize ?? SIDECARSET_PODS_PAGE_SIZE), 1), MAX_PAGE_SIZE);
  const page = Math.max(Math.trunc(opts.podsPage ?? 1), 1);
  const podGroups: PodGroup[] = [...groups.values()]
    .map((g) => {
      const sorted = g.pods.sort((x, y) => cmp(x.key, y.key));
      const pg: PodGroup = {
        revision: g.revision,
        updated: g.updated,
        total: sorted.length,
        pods: sorted.slice((page - 1) * pageSize, page * pageSize).map(podRow),
      };
      const n = g.revision ? ctx.revisionNumbers.get(g.revision) : undefined;
      if (n !== undefined) pg.revisionNumber = n;
      return pg;
    })
    .sort(
      (x, y) =>
        Number(y.updated) - Number(x.updated) ||
        (y.revisionNumber ?? -1) - (x.revisionNumber ?? -1) ||
        cmp(x.revision ?? '', y.revision ?? ''),
    );

  const explanation: RolloutExplanation = {
    state: e.state,
    matched: plan.status.matchedPods,
    updated: plan.status.updatedPods,
    candidates: plan.candidates.length,
    notUpgradable: plan.notUpgradable.length,
    inFlight: plan.inFlight.length,
    selectorExcluded: plan.selectorExcluded.length,
    partition: plan.partition,
    maxUnavailable: plan.maxUnavailable,
    unavailable: plan.unavailable,
    nextRound: plan.selection
      .filter((p) => !plan.selectionTie?.pods.includes(p))
      .slice(0, MAX_NEXT_ROUND_NAMES)
      .map(podKey),
    nextRoundTotal: plan.selection.length,
    ...(plan.selectionTie && {
      nextRoundTie: {
        pick: plan.selectionTie.pick,
        pods: plan.selectionTie.pods.slice(0, MAX_NEXT_ROUND_NAMES).map(podKey),
        total: plan.selectionTie.pods.length,
      },
    }),
  };

  return {
    summary: e.summary,
    spec: specView(ss),
    revisions: revisionRows,
    podGroups,
    podsPageSize: pageSize,
    eventGroups,
    explanation,
  };
}
