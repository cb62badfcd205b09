/**
 * The rollout dialog and preview for one person: planned over every pod (Kruise counts partitions
 * and maxUnavailable over all matched pods, whoever looks), but naming only pods, namespaces,
 * workloads and labels the person may see; the rest is a count.
 */
import type { ClusterSnapshot } from './cluster-state';
import { dialogContext, type RolloutDialogContext, type RolloutPreview, rolloutSnapshot } from './rollout-preview';
import { inScope, SEE_EVERYTHING, type Visibility, visibleSnapshot } from './visibility';

export function visibleDialog(snapshot: ClusterSnapshot, name: string, v: Visibility): RolloutDialogContext | null {
  const all = rolloutSnapshot(snapshot, name);
  if (!all) return null;
  const full = dialogContext(all);
  if (v.key === SEE_EVERYTHING.key) return full;
  const seen = rolloutSnapshot(visibleSnapshot(snapshot, v), name);
  const mine = seen ? dialogContext(seen) : undefined;
  return { ...full, namespaces: mine?.namespaces ?? [], workloads: mine?.workloads ?? [], labels: mine?.labels ?? [] };
}

export function visiblePreview(preview: RolloutPreview, v: Visibility): RolloutPreview {
  if (v.key === SEE_EVERYTHING.key) return preview;
  const pods = preview.pods.filter((p) => inScope(v.pods, p.namespace));
  const hidden = preview.pods.length - pods.length;
  return hidden === 0 ? preview : { ...preview, pods, hiddenPods: hidden };
}
