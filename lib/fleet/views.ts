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
  | 'WaitingForController'
  | 'SelectorHolding'
  | 'InFlight'
  | 'NeverInjected';

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
  /** What kind of problem (a RolloutReasonCode, or 'FailingPods' / 'Orphaned' for workloads). */
  code?: string;
  /** How many pods it concerns. */
  pods?: number;
}

export interface WorkloadRef {
  kind: string;
  namespace: string;
  name: string;
}

/** One sidecar on one pod. */
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
  /** ControllerRevision number of `revision`, when that revision is still kept. */
  revisionNumber?: number;
  /** Why no SidecarSet owns this sidecar any more (set with `orphaned`). */
  orphanReason?: 'sidecarset-deleted' | 'container-removed' | 'no-longer-selected';
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
  /** Pods whose kubectl status is failing (ImagePullBackOff, CrashLoopBackOff, Error…). */
  failingPods?: number;
  /** Pods with a sidecar mid in-place upgrade. */
  inFlightPods?: number;
  /** SidecarSets that select this workload's pods but never injected some of them. */
  neverInjectedBy?: string[];
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

/**
 * Events that say the same thing about different objects: one type and reason, and one message
 * once the parts naming the event's own object are placeholders (see lib/fleet/event-groups.ts).
 */
export interface EventGroup {
  /** Stable while the group exists (a hash of its type, reason and normalized message). */
  id: string;
  type: 'Normal' | 'Warning' | string;
  reason: string;
  /**
   * The events' message; when they differ, with placeholders where they do: `<pod>` (the object's
   * own name, by its kind), `<uid>` and `<duration>`.
   */
  message: string;
  /** Occurrences: the sum of the Events' counts (Kubernetes folds repeats into one Event's count). */
  count: number;
  /** Event objects in the group. */
  events: number;
  /** Distinct objects the events are about, and their kinds. */
  objects: number;
  kinds: string[];
  /** Workloads of those objects (a pod's owner), most occurrences first, capped; `workloadsTotal` in all. */
  workloads: Array<WorkloadRef & { count: number }>;
  workloadsTotal: number;
  firstTimestamp?: string;
  lastTimestamp?: string;
  /** The newest events of the group, capped (`events` in all). */
  newest: EventRow[];
}

/** Events summarized in groups, most recently seen first, capped; the totals count every event. */
export interface EventGroups {
  groups: EventGroup[];
  totalGroups: number;
  /** Event objects in all groups (sent or not). */
  totalEvents: number;
  /** Occurrences in all groups (sent or not). */
  totalCount: number;
}

/** Freshness of the data behind a response: the watch cache's state. */
export interface Freshness {
  /** True when every watch the response relies on is connected and synced. */
  live: boolean;
  /** ISO time since when the data may be stale (first failure), when not live. */
  staleSince?: string;
  /** The last error per resource, shown in place ("403 on pods in namespace x"). */
  errors: Array<{ resource: string; namespace?: string; code?: number; message: string }>;
  /**
   * First lists still running (a big cluster just after a start): the views cover the objects
   * listed so far, and say so; `total` is the server's count when it gives one.
   */
  listing?: Array<{ resource: string; namespace?: string; listed: number; total?: number }>;
  generatedAt: string;
}

// ---------------------------------------------------------------------------------------------
// Views returned by lib/k8s/fleet.ts.
// ---------------------------------------------------------------------------------------------

/** A configured cluster as pages and links name it: `/c/<id>/…`, shown as `name`. */
export interface ClusterRef {
  id: string;
  name: string;
}

/** A cluster of the configuration (no connection needed to list it). */
export interface ConfiguredCluster extends ClusterRef {
  source: 'kubeconfig' | 'in-cluster';
  /** The kubeconfig context (undefined in-cluster). */
  context?: string;
  server?: string;
  user?: string;
  /** Set when this cluster cannot be connected to as configured (its pages say why). */
  error?: string;
}

/** The configured clusters, for the header's switcher and the cross-cluster pages. */
export interface ClustersList {
  clusters: ConfiguredCluster[];
  /** Where `/` leads. */
  defaultId?: string;
  /** Configuration that matched nothing (an include pattern without a context, say). */
  warnings: string[];
  /** Set when no cluster at all is configured. */
  error?: string;
}

/** Which cluster a page shows, said plainly in the page header. */
export interface ClusterInfo {
  /** The configured cluster's id (its URL segment). */
  id: string;
  /** Its display name. */
  displayName: string;
  /** Cluster name from the kubeconfig (or "in-cluster"). */
  name: string;
  /** Kubeconfig context in use; undefined in-cluster. */
  context?: string;
  server: string;
  /** Who the dashboard acts as for this person: the signed-in user, or the kubeconfig user / service account in local mode. */
  user: string;
  source: 'kubeconfig' | 'in-cluster';
  /**
   * True for the simulated cluster started by `npm start`/`npm run sim`: its kubeconfig cluster
   * carries the extension `sidecar-fleet.dev/built-in`, or its /version gitVersion contains "sim".
   */
  builtIn: boolean;
  /** Kubernetes gitVersion from /version, when reachable. */
  kubernetesVersion?: string;
  /** SidecarSet API version served (v1beta1 preferred), or null when Kruise is not installed. */
  kruiseVersion: 'v1beta1' | 'v1alpha1' | null;
  /** Set when discovery itself failed (cluster down, 401/403 on discovery). */
  error?: { code?: number; message: string };
  /** How people sign in (local: the server's own identity), and whether this one signed in with a token. */
  auth?: { mode: 'local' | 'token' | 'proxy'; signedIn: boolean };
}

export interface OverviewView {
  cluster: ClusterInfo;
  totals: FleetTotals;
  sidecarSets: SidecarSetSummary[];
  /** Ordered by severity (critical first), then by how many pods each concerns. */
  attention: AttentionItem[];
  freshness: Freshness;
}

/** Workload-level filter on the Workloads page. */
export type WorkloadStateFilter =
  | 'healthy'
  | 'progressing'
  | 'failing'
  | 'outdated'
  | 'not-upgradable'
  | 'never-injected'
  | 'orphaned'
  | 'drift';

export type WorkloadSortKey = 'name' | 'namespace' | 'kind' | 'pods' | 'ready' | 'outdated' | 'health';

export interface WorkloadQuery {
  namespace?: string;
  sidecarSet?: string;
  /** An image (full reference) present on some sidecar of the workload. */
  version?: string;
  state?: WorkloadStateFilter;
  /** Free text: matched against namespace/name, kind, sidecar container names and images. */
  q?: string;
  sort?: WorkloadSortKey;
  dir?: 'asc' | 'desc';
  /** 1-based. */
  page?: number;
  pageSize?: number;
}

export interface Facet {
  value: string;
  count: number;
}

export interface WorkloadsView {
  rows: WorkloadRow[];
  /** Rows matching the filters (before paging). */
  total: number;
  page: number;
  pageSize: number;
  /** Values to offer in the filters, counted over all workloads (not only the filtered ones). */
  facets: { namespaces: Facet[]; sidecarSets: Facet[]; versions: Facet[] };
  freshness: Freshness;
}

export interface WorkloadDetailView {
  workload: WorkloadRow;
  pods: PodRow[];
  events: EventRow[];
  freshness: Freshness;
}

/** The parts of a SidecarSet spec the detail page shows, already formatted. */
export interface SidecarSetSpecView {
  containers: Array<SidecarContainerSummary & { podInjectPolicy?: string; hotUpgradeEmptyImage?: string }>;
  selector: string;
  namespaceSelector?: string;
  strategy: StrategySummary & { priority?: string; scatter?: string };
  injection: { paused: boolean; revision?: string; customVersion?: string; policy?: string };
  customVersion?: string;
  revisionHistoryLimit?: number;
  canaryOf?: string;
}

/** The planner's answer to "why is it (not) progressing", counts plus a few names. */
export interface RolloutExplanation {
  state: RolloutState;
  matched: number;
  updated: number;
  candidates: number;
  notUpgradable: number;
  inFlight: number;
  selectorExcluded: number;
  /** Pods the partition keeps on the old version (resolved number). */
  partition: number;
  /** maxUnavailable resolved to a number of pods. */
  maxUnavailable: number;
  /** Updated pods currently unavailable (they use up maxUnavailable). */
  unavailable: number;
  /** The pods the next round certainly updates (namespace/name), capped at 50. */
  nextRound: string[];
  nextRoundTotal: number;
  /**
   * The rest of the next round: Kruise picks `pick` of these equally ranked pods (namespace/name,
   * capped at 50, `total` in all), and which ones is its choice.
   */
  nextRoundTie?: { pick: number; pods: string[]; total: number };
}

export interface PodGroup {
  /** ControllerRevision name, or null when the pod's hash names none. */
  revision: string | null;
  revisionNumber?: number;
  /** True when this group runs the SidecarSet's current hash. */
  updated: boolean;
  total: number;
  /** The first page of pods in this group (see SidecarSetDetailView.podsPageSize). */
  pods: PodRow[];
}

export interface SidecarSetDetailView {
  summary: SidecarSetSummary;
  spec: SidecarSetSpecView;
  revisions: RevisionRow[];
  podGroups: PodGroup[];
  podsPageSize: number;
  /** The SidecarSet's and its pods' events, grouped: a rollout over 100,000 pods emits that many. */
  eventGroups: EventGroups;
  explanation: RolloutExplanation;
  freshness: Freshness;
}

export interface PodDetailView {
  pod: PodRow;
  /** Raw-ish facts the row does not carry, for a drawer. */
  containers: Array<{
    name: string;
    image: string;
    init: boolean;
    restartPolicy?: string;
    statusImage?: string;
    imageID?: string;
    ready: boolean;
    restarts: number;
    state: string;
    reason?: string;
  }>;
  annotations: Record<string, string>;
  labels: Record<string, string>;
  conditions: Array<{ type: string; status: string; reason?: string; message?: string }>;
  events: EventRow[];
  freshness: Freshness;
}

/** Pods running one sidecar image, by workload: what the cross-cluster image search reads. */
export interface SidecarImageUse {
  /** The SidecarSet that injected it (undefined for a sidecar no SidecarSet owns any more). */
  sidecarSet?: string;
  container: string;
  image: string;
  pods: number;
  workloads: Array<WorkloadRef & { pods: number }>;
}

/** One cluster's part of the cross-cluster view: its SidecarSets and which sidecar images its pods run. */
export interface ClusterFleetView {
  cluster: ClusterInfo;
  sidecarSets: SidecarSetSummary[];
  images: SidecarImageUse[];
  freshness: Freshness;
}

/** A lightweight signal for live pages: changes whenever any view would. */
export interface FleetPulse {
  /** Cache revision: bump means "refetch". */
  revision: number;
  freshness: Freshness;
}
