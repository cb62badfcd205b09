/**
 * The view models the dashboard renders. Computed on the server (lib/fleet functions over the
 * shared watch cache, exposed by lib/k8s) and sent to the browser as plain JSON: small, already
 * aggregated, never raw cluster objects.
 */

/** Health classes that follow kubectl's pod STATUS column rules. */
export type HealthClass = 'healthy' | 'progressing' | 'failing' | 'completed' | 'unknown';

export type RolloutStateKind = 'complete' | 'progressing' | 'paused' | 'stuck' | 'not-updating';

/** Why a SidecarSet's rollout is where it is. `pods` is how many pods the reason concerns. */
export type RolloutReasonCode =
  | 'Complete'
  | 'Progressing'
  | 'Paused'
  | 'NotUpdate'
  | 'PartitionHolding'
  | 'BudgetExhausted'
  | 'SelectorMatchesNone'
  | 'FailingImage'
  | 'NotUpgradable'
  | 'NoMatchedPods'
  | 'WaitingForController';

export interface RolloutReason {
  code: RolloutReasonCode;
  /** One sentence a person can act on, e.g. "Partition 90% keeps 27 pods on the old version". */
  message: string;
  pods?: number;
  /** For FailingImage: the container waiting reason, e.g. ImagePullBackOff. */
  detail?: string;
}

export interface RolloutState {
  kind: RolloutStateKind;
  reasons: RolloutReason[];
}

export interface SidecarContainerSummary {
  name: string;
  image: string;
  upgradeType: 'ColdUpgrade' | 'HotUpgrade';
  /** Init container (injected at creation only) rather than a container. */
  init: boolean;
}

export interface StrategySummary {
  type: string;
  paused: boolean;
  partition: number | string;
  maxUnavailable: number | string;
  selector?: string;
  injectionPaused: boolean;
}

export interface SidecarSetSummary {
  name: string;
  resourceVersion: string;
  generation: number;
  observedGeneration?: number;
  containers: SidecarContainerSummary[];
  selector: string;
  namespaceSelector?: string;
  strategy: StrategySummary;
  matchedPods: number;
  updatedPods: number;
  readyPods: number;
  updatedReadyPods: number;
  latestRevision?: string;
  state: RolloutState;
  /** Rollout guard settings from annotations, when opted in. */
  guard?: { enabled: boolean; maxFailedPods: number | string; notReadySeconds: number };
  createdAt?: string;
}

export interface FleetTotals {
  sidecarSets: number;
  pods: number;
  injectedPods: number;
  outdatedPods: number;
  notUpgradablePods: number;
  failingPods: number;
  byState: Record<RolloutStateKind, number>;
}

export interface AttentionItem {
  severity: 'critical' | 'warning' | 'info';
  sidecarSet?: string;
  workload?: WorkloadRef;
  message: string;
}

export interface WorkloadRef {
  kind: string;
  namespace: string;
  name: string;
}

/** One sidecar on one pod (reference §4.6). */
export interface PodSidecarState {
  sidecarSet: string;
  container: string;
  /** Running twin for hot upgrade (e.g. envoy-2). */
  workingContainer?: string;
  specImage: string;
  statusImage?: string;
  revision?: string;
  updated: boolean;
  upgradable: boolean;
  inFlight: boolean;
  ready: boolean;
  restarts: number;
  failed?: { reason: string; message?: string };
  orphaned?: boolean;
}

export interface SidecarVersionCount {
  image: string;
  pods: number;
  ready: number;
  restarts: number;
  failing: number;
  updated: number;
}

export interface WorkloadRow extends WorkloadRef {
  pods: number;
  readyPods: number;
  health: HealthClass;
  /** container name → versions present in this workload's pods. */
  sidecars: Record<string, { sidecarSet?: string; versions: SidecarVersionCount[]; outdated: number; notUpgradable: number }>;
  drift: { outdated: number; notUpgradable: number; neverInjected: number; orphaned: number };
}

export interface PodRow {
  namespace: string;
  name: string;
  node?: string;
  phase: string;
  /** kubectl's STATUS column (Running, ImagePullBackOff, CrashLoopBackOff, ...). */
  status: string;
  health: HealthClass;
  ready: string;
  restarts: number;
  createdAt?: string;
  workload: WorkloadRef;
  sidecars: PodSidecarState[];
}

export interface RevisionRow {
  name: string;
  revision: number;
  images: Record<string, string>;
  customVersion?: string;
  pods: number;
  latest: boolean;
  createdAt?: string;
}

export interface EventRow {
  type: 'Normal' | 'Warning' | string;
  reason: string;
  message: string;
  involved: { kind: string; namespace?: string; name: string };
  count: number;
  lastTimestamp?: string;
  source?: string;
}

/** Freshness of the data behind a response: the watch cache's state. */
export interface Freshness {
  /** True when every watch the response relies on is connected and synced. */
  live: boolean;
  /** ISO time since when the data may be stale (first failure), when not live. */
  staleSince?: string;
  /** The last error per resource, shown in place ("403 on pods in namespace x"). */
  errors: Array<{ resource: string; namespace?: string; code?: number; message: string }>;
  generatedAt: string;
}
