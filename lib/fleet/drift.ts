/**
 * Drift of one pod against the SidecarSets: outdated sidecars, sidecars that need the pod
 * recreated, SidecarSets that select the pod but never injected it, and sidecars no SidecarSet
 * owns any more. Completed pods are never flagged: they will never run again.
 */
import type { Pod, SidecarSet } from './k8s-types';
import { canaryBaseOf, injectedList, podNamespace } from './kruise-pod';
import { isPodActive } from './pod-readiness';
import { selects } from './selectors';
import type { PodSidecarState } from './views';

export type NeverInjectedReason = 'created-before' | 'injection-paused' | 'control-plane' | 'unknown';

export interface NeverInjected {
  sidecarSet: string;
  reason: NeverInjectedReason;
}

export interface PodDrift {
  /** SidecarSets whose current version this pod does not run (includes the not-upgradable ones). */
  outdated: string[];
  /** SidecarSets for which the pod differs in more than images and must be recreated. */
  notUpgradable: string[];
  neverInjected: NeverInjected[];
  /** `sidecarSet/container` of sidecars no SidecarSet owns any more. */
  orphaned: string[];
}

export const NO_DRIFT: PodDrift = Object.freeze({
  outdated: [],
  notUpgradable: [],
  neverInjected: [],
  orphaned: [],
}) as PodDrift;

export function hasDrift(d: PodDrift): boolean {
  return d.outdated.length + d.notUpgradable.length + d.neverInjected.length + d.orphaned.length > 0;
}

/** Canary SidecarSets (annotations sidecarset-canary + sidecarset-base) by the base they stand in for. */
export function canaryBases(sidecarSets: readonly SidecarSet[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const s of sidecarSets) {
    const base = canaryBaseOf(s);
    if (base) out.set(base, [...(out.get(base) ?? []), s.metadata.name]);
  }
  return out;
}

function time(t: string | undefined): number {
  const v = t ? Date.parse(t) : Number.NaN;
  return Number.isNaN(v) ? 0 : v;
}

/**
 * SidecarSets that select this running pod (namespace and selector) but are not in its
 * injected-list. Kruise injects only at pod creation, so the usual reasons are: the pod is older
 * than the SidecarSet, or injection was paused when it was created.
 */
export function neverInjectedBy(
  pod: Pod,
  sidecarSets: readonly SidecarSet[],
  namespaceLabels: Record<string, Record<string, string>>,
  canaries: Map<string, string[]>,
): NeverInjected[] {
  if (!isPodActive(pod)) return [];
  const injected = new Set(injectedList(pod));
  const ns = podNamespace(pod);
  const out: NeverInjected[] = [];
  for (const ss of sidecarSets) {
    const name = ss.metadata.name;
    if (injected.has(name)) continue;
    if (!selects(ss, pod, ns, namespaceLabels)) continue;
    // A canary SidecarSet injected in place of its base: the base is skipped on purpose (Kruise's canary SidecarSets, pkg/webhook/pod/mutating/sidecarset.go).
    if ((canaries.get(name) ?? []).some((c) => injected.has(c))) continue;
    let reason: NeverInjectedReason = 'unknown';
    const nsLabels = namespaceLabels[ns] ?? {};
    if (Object.hasOwn(nsLabels, 'control-plane')) reason = 'control-plane';
    else if (time(pod.metadata.creationTimestamp) < time(ss.metadata.creationTimestamp)) reason = 'created-before';
    else if (ss.spec.injectionStrategy?.paused) reason = 'injection-paused';
    out.push({ sidecarSet: name, reason });
  }
  return out;
}

/** Drift of a pod from its per-sidecar states (pod-sidecars.ts) and the SidecarSets that select it. */
export function podDrift(
  pod: Pod,
  sidecars: readonly PodSidecarState[],
  sidecarSets: readonly SidecarSet[],
  namespaceLabels: Record<string, Record<string, string>>,
  canaries: Map<string, string[]> = canaryBases(sidecarSets),
): PodDrift {
  // Succeeded/Failed pods never run again; terminating ones are on their way out (Kruise ignores both).
  if (!isPodActive(pod)) return NO_DRIFT;
  const outdated = new Set<string>();
  const notUpgradable = new Set<string>();
  const orphaned: string[] = [];
  for (const s of sidecars) {
    if (s.orphaned) {
      orphaned.push(`${s.sidecarSet}/${s.container}`);
      continue;
    }
    if (!s.updated) outdated.add(s.sidecarSet);
    if (!s.updated && !s.upgradable) notUpgradable.add(s.sidecarSet);
  }
  const neverInjected = neverInjectedBy(pod, sidecarSets, namespaceLabels, canaries).filter(
    // control-plane namespaces are excluded from injection by design: not drift.
    (n) => n.reason !== 'control-plane',
  );
  if (outdated.size + notUpgradable.size + neverInjected.length + orphaned.length === 0) return NO_DRIFT;
  return { outdated: [...outdated], notUpgradable: [...notUpgradable], neverInjected, orphaned };
}
