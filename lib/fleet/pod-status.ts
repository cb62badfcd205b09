/**
 * kubectl's STATUS, READY and RESTARTS columns for a pod (kubectl's `printPod`), and a health
 * class derived from the status. Native sidecars (init containers with restartPolicy Always)
 * count as containers, as kubectl counts them.
 */
import { isNativeSidecar } from './containers';
import type { Container, ContainerStatus, Pod } from './k8s-types';
import type { HealthClass } from './views';

export interface PodStatusSummary {
  /** What `kubectl get pods` prints under STATUS. */
  status: string;
  /** "ready/total", with native sidecars in both. */
  ready: string;
  readyContainers: number;
  totalContainers: number;
  restarts: number;
  health: HealthClass;
}

type TerminatedWithSignal = NonNullable<NonNullable<ContainerStatus['state']>['terminated']> & { signal?: number };

function hasCondition(pod: Pod, type: string, status = 'True'): boolean {
  return pod.status?.conditions?.some((c) => c.type === type && c.status === status) ?? false;
}

export function podStatus(pod: Pod): PodStatusSummary {
  const spec = pod.spec;
  const st = pod.status ?? {};
  let totalContainers = spec.containers.length;
  let readyContainers = 0;
  let restarts = 0;
  let restartableInitRestarts = 0;
  // The pod's own reason (Evicted, NodeLost, …) beats its phase.
  let reason: string = st.reason || st.phase || 'Unknown';

  // A pod held by scheduling gates says so rather than "Pending".
  if (st.conditions?.some((c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')) {
    reason = 'SchedulingGated';
  }

  const initSpecs = new Map<string, Container>();
  for (const c of spec.initContainers ?? []) {
    initSpecs.set(c.name, c);
    // Native sidecars show up in READY's denominator like app containers.
    if (isNativeSidecar(c)) totalContainers++;
  }

  let initializing = false;
  const initStatuses = st.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i] as ContainerStatus;
    restarts += c.restartCount ?? 0;
    const restartable = isNativeSidecar(initSpecs.get(c.name));
    if (restartable) restartableInitRestarts += c.restartCount ?? 0;
    const term = c.state?.terminated as TerminatedWithSignal | undefined;
    if (term && term.exitCode === 0) continue; // finished its job
    if (restartable && c.started === true) {
      // A started native sidecar does not hold up initialisation.
      if (c.ready) readyContainers++;
      continue;
    }
    if (term) {
      // An init container failed: the pod cannot start.
      if (!term.reason) reason = term.signal ? `Init:Signal:${term.signal}` : `Init:ExitCode:${term.exitCode}`;
      else reason = `Init:${term.reason}`;
    } else if (c.state?.waiting?.reason && c.state.waiting.reason !== 'PodInitializing') {
      // Waiting with a reason (ImagePullBackOff, CrashLoopBackOff) says more than a counter.
      reason = `Init:${c.state.waiting.reason}`;
    } else {
      // Still running (or about to): show progress through the init containers.
      reason = `Init:${i}/${(spec.initContainers ?? []).length}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || hasCondition(pod, 'Initialized')) {
    // Once initialised only native sidecars' restarts still matter among init containers.
    restarts = restartableInitRestarts;
    let hasRunning = false;
    const statuses = st.containerStatuses ?? [];
    // kubectl walks backwards, so the first container's state wins the STATUS column.
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i] as ContainerStatus;
      restarts += c.restartCount ?? 0;
      const term = c.state?.terminated as TerminatedWithSignal | undefined;
      if (c.state?.waiting?.reason) {
        reason = c.state.waiting.reason;
      } else if (term?.reason) {
        reason = term.reason;
      } else if (term) {
        reason = term.signal ? `Signal:${term.signal}` : `ExitCode:${term.exitCode}`;
      } else if (c.ready && c.state?.running) {
        hasRunning = true;
        readyContainers++;
      }
    }
    // A finished container beside a running one: the pod is still running (or not ready).
    if (reason === 'Completed' && hasRunning) {
      reason = hasCondition(pod, 'Ready') ? 'Running' : 'NotReady';
    }
  }

  const terminal = st.phase === 'Succeeded' || st.phase === 'Failed';
  if (pod.metadata.deletionTimestamp && st.reason === 'NodeLost') {
    // The node is unreachable: nobody can confirm the deletion.
    reason = 'Unknown';
  } else if (pod.metadata.deletionTimestamp && !terminal) {
    reason = 'Terminating';
  }

  return {
    status: reason,
    ready: `${readyContainers}/${totalContainers}`,
    readyContainers,
    totalContainers,
    restarts,
    health: healthOf(reason, st.phase, readyContainers, totalContainers),
  };
}

/**
 * Waiting reasons that mean a container will not start without a change, in the kubelet's own words
 * (pkg/kubelet/images/types.go, pkg/kubelet/container/sync_result.go,
 * pkg/kubelet/kuberuntime/kuberuntime_container.go; RegistryUnavailable from older kubelets). The
 * rollout guard counts a pod failing on these, and the pod status calls it failing.
 */
export const FAILING_WAITING_REASONS: ReadonlySet<string> = new Set([
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'ErrImageNeverPull',
  'RegistryUnavailable',
  'CrashLoopBackOff',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
  'PreStartHookError',
  'PostStartHookError',
]);

/** Terminated-container and pod reasons that mean the same for something that already ran. */
const FAILED_REASONS = new Set([
  'Error',
  'OOMKilled',
  'ContainerCannotRun',
  'DeadlineExceeded',
  'Evicted',
  'Failed',
  'NodeAffinity',
  'OutOfcpu',
  'OutOfmemory',
  'UnexpectedAdmissionError',
]);

const PROGRESSING_REASONS = new Set(['Pending', 'ContainerCreating', 'PodInitializing', 'Terminating', 'SchedulingGated', 'NotReady']);

/** Waiting, terminated or pod reasons that mean a container is broken rather than starting. */
export function isFailingReason(reason: string | undefined): boolean {
  if (!reason) return false;
  const bare = reason.startsWith('Init:') ? reason.slice(5) : reason;
  return FAILING_WAITING_REASONS.has(bare) || FAILED_REASONS.has(bare) || bare.startsWith('ExitCode:') || bare.startsWith('Signal:');
}

export function healthOf(status: string, phase: string | undefined, ready: number, total: number): HealthClass {
  if (status === 'Completed' || (phase === 'Succeeded' && status === 'Succeeded')) return 'completed';
  if (isFailingReason(status)) return 'failing';
  if (status === 'Unknown' || status === 'NodeLost') return 'unknown';
  if (status.startsWith('Init:') || PROGRESSING_REASONS.has(status)) return 'progressing';
  if (status === 'Running') return ready >= total ? 'healthy' : 'progressing';
  // Other pod reasons (Shutdown, Terminated, NodeShutdown…) on a phase that ended.
  if (phase === 'Failed') return 'failing';
  return 'unknown';
}
