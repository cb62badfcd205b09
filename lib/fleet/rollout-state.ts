/**
 * Where a SidecarSet's rollout is, and why: built on the planner's answer (rollout-planner.ts) so
 * the explanation and the preview can never disagree with what the controller does.
 */
import { formatSelector, matchesLabelSelector } from './label-selector';
import type { Pod, SidecarSet } from './k8s-types';
import { podSidecarSetHashes } from './kruise-pod';
import type { RolloutPlan } from './rollout-planner';
import { sidecarFailureOf } from './pod-sidecars';
import type { RolloutReason, RolloutState, RolloutStateKind } from './views';

/** An updated pod that has been unavailable this long without a failing reason counts as stuck. */
export const STUCK_AFTER_MS = 5 * 60_000;

export interface RolloutContext {
  /** Pods the SidecarSet selects but never injected (created before it, or injection paused). */
  neverInjected?: number;
  now: Date;
}

export interface SidecarFailure {
  pod: Pod;
  container: string;
  reason: string;
  message?: string;
}

/** Updated matched pods whose sidecar container of S is failing, with the container's reason (the planner marks them). */
export function failingUpdatedPods(ss: SidecarSet, plan: RolloutPlan): SidecarFailure[] {
  const out: SidecarFailure[] = [];
  for (const pod of plan.failingUpdated) {
    const f = sidecarFailureOf(pod, ss);
    if (f) out.push({ pod, ...f });
  }
  return out;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function mostCommon<T>(items: readonly T[], key: (t: T) => string): { key: string; count: number; first: T } | undefined {
  const counts = new Map<string, { count: number; first: T }>();
  for (const it of items) {
    const k = key(it);
    const e = counts.get(k);
    if (e) e.count++;
    else counts.set(k, { count: 1, first: it });
  }
  let best: { key: string; count: number; first: T } | undefined;
  for (const [k, e] of counts) if (!best || e.count > best.count) best = { key: k, ...e };
  return best;
}

function time(t: string | undefined): number {
  const v = t ? Date.parse(t) : Number.NaN;
  return Number.isNaN(v) ? 0 : v;
}

export function rolloutState(ss: SidecarSet, plan: RolloutPlan, ctx: RolloutContext): RolloutState {
  const name = ss.metadata.name;
  const strategy = ss.spec.updateStrategy ?? {};
  const { matchedPods: matched, updatedPods: updated } = plan.status;
  const reasons: RolloutReason[] = [];
  const failing = failingUpdatedPods(ss, plan);

  let failingAdded = false;
  const addFailing = () => {
    if (failing.length === 0 || failingAdded) return;
    failingAdded = true;
    const top = mostCommon(failing, (f) => `${f.container}\u0000${f.reason}`);
    const reason = top?.first.reason ?? 'Failing';
    const container = top?.first.container ?? '';
    reasons.push({
      code: 'FailingImage',
      message: `${plural(failing.length, 'updated pod')} cannot run ${container} (${reason})${
        top?.first.message ? `: ${top.first.message}` : ''
      }`,
      pods: failing.length,
      detail: reason,
    });
  };
  const addNotUpgradable = () => {
    if (plan.notUpgradable.length === 0) return;
    reasons.push({
      code: 'NotUpgradable',
      message: `${plural(plan.notUpgradable.length, 'pod')} ${plan.notUpgradable.length === 1 ? 'needs' : 'need'} recreating: the SidecarSet changed more than images (env, command, volumes…), which Kruise cannot apply in place`,
      pods: plan.notUpgradable.length,
    });
  };
  const addNeverInjected = () => {
    if (!ctx.neverInjected) return;
    reasons.push({
      code: 'NeverInjected',
      message: `${plural(ctx.neverInjected, 'selected pod')} ${ctx.neverInjected === 1 ? 'was' : 'were'} never injected (created before the SidecarSet or while injection was paused); recreate them to get the sidecar`,
      pods: ctx.neverInjected,
    });
  };
  const addWaiting = () => {
    const gen = ss.metadata.generation;
    const observed = ss.status?.observedGeneration;
    if (gen !== undefined && observed !== undefined && observed < gen) {
      reasons.push({
        code: 'WaitingForController',
        message: `The Kruise controller has not processed generation ${gen} yet (observed ${observed})`,
      });
    }
  };
  const done = (kind: RolloutStateKind): RolloutState => {
    addWaiting();
    return { kind, reasons };
  };

  if (matched === 0) {
    reasons.push({
      code: 'NoMatchedPods',
      message: `No running pod is injected by ${name}: its selector ${formatSelector(ss.spec.selector)} matches none${
        ss.spec.namespaceSelector ? ` in namespaces ${formatSelector(ss.spec.namespaceSelector)}` : ''
      }`,
      pods: 0,
    });
    addNeverInjected();
    return done('complete');
  }

  if (strategy.type === 'NotUpdate') {
    const old = matched - updated;
    reasons.push({
      code: 'NotUpdate',
      message: `updateStrategy.type is NotUpdate: existing pods are never upgraded${
        old > 0 ? `; ${old} of ${plural(matched, 'pod')} ${old === 1 ? 'runs' : 'run'} an older version` : ''
      }`,
      pods: old,
    });
    addNotUpgradable();
    addFailing();
    addNeverInjected();
    return done('not-updating');
  }

  if (updated >= matched) {
    reasons.push({ code: 'Complete', message: `All ${plural(matched, 'matched pod')} run the current version`, pods: matched });
    addFailing();
    addNeverInjected();
    return done('complete');
  }

  if (strategy.paused) {
    reasons.push({
      code: 'Paused',
      message: `Rollout paused with ${updated} of ${plural(matched, 'pod')} updated; resume to continue`,
      pods: matched - updated,
    });
    addFailing();
    addNotUpgradable();
    addNeverInjected();
    return done('paused');
  }

  // Rolling and not finished: who holds it?
  let kind: RolloutStateKind;
  const blocked = new Set(plan.blockedBy);
  const unavailableFailing = failing.length;
  const now = ctx.now.getTime();
  // Only asked when the budget is what holds the rollout.
  const longUnavailable = (): number => {
    // Every matched pod the planner did not list as not updated is updated (no re-parsing of hashes).
    const notUpdated = new Set<Pod>([...plan.candidates, ...plan.notUpgradable, ...plan.inFlight, ...plan.selectorExcluded]);
    const failingPods = new Set(failing.map((f) => f.pod));
    return plan.matched.filter((p) => {
      if (notUpdated.has(p) || failingPods.has(p)) return false;
      const ready = p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
      const since = time(podSidecarSetHashes(p)[name]?.updateTimestamp);
      return !ready && since > 0 && now - since > STUCK_AFTER_MS;
    }).length;
  };

  if (plan.nextRound.length > 0 || blocked.has('hotUpgradeReset')) {
    kind = 'progressing';
    reasons.push({
      code: 'Progressing',
      message: `${updated} of ${plural(matched, 'pod')} updated; the next round updates ${plural(
        plan.nextRound.length || plan.hotUpgradeReset.length,
        'pod',
      )}`,
      pods: matched - updated,
    });
  } else if (blocked.has('maxUnavailable')) {
    // The failing pods are why the budget is gone: name them first.
    addFailing();
    const budget = `maxUnavailable ${String(strategy.maxUnavailable ?? 1)} (${plural(plan.maxUnavailable, 'pod')})`;
    reasons.push({
      code: 'BudgetExhausted',
      message:
        plan.maxUnavailable === 0
          ? `${budget} lets no ready pod be updated`
          : `${budget} is used up by ${plural(plan.unavailable, 'updated pod')} that ${plan.unavailable === 1 ? 'is' : 'are'} not ready`,
      pods: plan.unavailable,
    });
    kind = unavailableFailing > 0 || plan.maxUnavailable === 0 || longUnavailable() > 0 ? 'stuck' : 'progressing';
  } else if (plan.candidates.length > 0 && blocked.has('partition')) {
    const held = Math.min(plan.partition, plan.candidates.length);
    reasons.push({
      code: 'PartitionHolding',
      message: `Partition ${String(strategy.partition)} keeps ${plural(held, 'pod')} on the old version; lower it to continue`,
      pods: held,
    });
    kind = 'paused';
  } else if (plan.inFlight.length > 0) {
    kind = 'progressing';
  } else if (plan.candidates.length === 0 && plan.selectorExcluded.length > 0) {
    const sel = formatSelector(strategy.selector);
    const selectsAny = plan.matched.some((p) => matchesLabelSelector(strategy.selector, p.metadata.labels ?? {}));
    if (!selectsAny) {
      reasons.push({
        code: 'SelectorMatchesNone',
        message: `updateStrategy.selector ${sel} matches none of the ${plural(matched, 'matched pod')}`,
        pods: plan.selectorExcluded.length,
      });
      kind = 'stuck';
    } else {
      reasons.push({
        code: 'SelectorHolding',
        message: `updateStrategy.selector ${sel} limits the rollout: ${plural(plan.selectorExcluded.length, 'pod')} outside it stay on the old version`,
        pods: plan.selectorExcluded.length,
      });
      kind = 'paused';
    }
  } else {
    // Nothing left that Kruise will touch: the remaining pods are not upgradable.
    kind = 'stuck';
  }

  if (plan.inFlight.length > 0) {
    reasons.push({
      code: 'InFlight',
      message: `${plural(plan.inFlight.length, 'pod')} ${plan.inFlight.length === 1 ? 'is' : 'are'} still restarting a sidecar from an earlier round`,
      pods: plan.inFlight.length,
    });
  }
  addFailing();
  if (failing.length > 0 && kind === 'progressing' && plan.nextRound.length === 0) kind = 'stuck';
  addNotUpgradable();
  addNeverInjected();
  return done(kind);
}
