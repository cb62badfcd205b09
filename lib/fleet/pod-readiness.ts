/**
 * Whether a pod counts as active and ready, by the rules Kubernetes' controllers share
 * (k8s.io/kubernetes/pkg/controller/controller_utils.go IsPodActive, pkg/api/v1/pod/util.go
 * IsPodReady). The rollout planner, the dashboard's views and the built-in cluster's workload
 * controllers all read pods through these.
 */
import type { Pod } from './k8s-types';

type PodLike = Pick<Pod, 'metadata' | 'status'>;

/** Not Succeeded/Failed and not being deleted. */
export function isPodActive(pod: PodLike): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp;
}

/** The PodReady condition is True. */
export function isPodReady(pod: Pick<Pod, 'status'>): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** When PodReady last became True, if known. */
export function podReadyTime(pod: Pick<Pod, 'status'>): string | undefined {
  const c = pod.status?.conditions?.find((x) => x.type === 'Ready' && x.status === 'True');
  return c?.lastTransitionTime ?? undefined;
}
