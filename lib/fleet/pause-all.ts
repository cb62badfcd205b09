/**
 * Which rollouts "Pause every rollout in progress" pauses: a SidecarSet that rolls (not
 * NotUpdate), is not paused, and has a matched pod not updated yet (or a status that says so).
 */
import type { ClusterSnapshot } from './cluster-state';
import type { SidecarSet } from './k8s-types';
import type { SidecarSetSummary } from './views';
import { injectedList, isUpdated } from './kruise-pod';
import { isPodActive } from './pod-readiness';

export function rolloutsInProgress(cluster: Pick<ClusterSnapshot, 'pods' | 'sidecarSets'>): SidecarSet[] {
  const out: SidecarSet[] = [];
  for (const ss of cluster.sidecarSets) {
    const s = ss.spec.updateStrategy ?? {};
    if (s.type === 'NotUpdate' || s.paused) continue;
    const name = ss.metadata.name;
    const behind = cluster.pods.some((p) => isPodActive(p) && injectedList(p).includes(name) && !isUpdated(p, ss));
    if (behind || (ss.status && ss.status.updatedPods < ss.status.matchedPods)) out.push(ss);
  }
  return out.sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
}

/** The same question on a summary (what the overview and the cross-cluster view have): rolling, not paused, some matched pod not updated. */
export function summaryInProgress(s: Pick<SidecarSetSummary, 'strategy' | 'updatedPods' | 'matchedPods'>): boolean {
  return s.strategy.type !== 'NotUpdate' && !s.strategy.paused && s.updatedPods < s.matchedPods;
}
