/**
 * Plain shapes of the Kubernetes objects Sidecar Fleet works with, as they appear in API JSON.
 * Only the fields the domain reads are typed; everything else passes through untouched.
 * Shared by lib/fleet (pure domain), lib/sim (the built-in cluster) and lib/k8s (the door).
 */

export type Labels = Record<string, string>;

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  generateName?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Labels;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
}

export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | string;
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Labels;
  matchExpressions?: LabelSelectorRequirement[];
}

export type IntOrString = number | string;

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { fieldRef?: { apiVersion?: string; fieldPath: string } } & Record<string, unknown>;
}

export interface VolumeMount {
  name: string;
  mountPath: string;
  subPath?: string;
  subPathExpr?: string;
  readOnly?: boolean;
}

export interface Container {
  name: string;
  image?: string;
  imagePullPolicy?: string;
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  volumeMounts?: VolumeMount[];
  volumeDevices?: { name: string; devicePath: string }[];
  restartPolicy?: string;
  resources?: Record<string, unknown>;
  [field: string]: unknown;
}

export interface ContainerState {
  waiting?: { reason?: string; message?: string };
  running?: { startedAt?: string };
  terminated?: { exitCode: number; reason?: string; message?: string; startedAt?: string; finishedAt?: string };
}

export interface ContainerStatus {
  name: string;
  image: string;
  imageID: string;
  ready: boolean;
  started?: boolean;
  restartCount: number;
  state?: ContainerState;
  lastState?: ContainerState;
  containerID?: string;
}

export interface PodCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown' | string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastProbeTime?: string | null;
}

export interface Pod {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec: {
    containers: Container[];
    initContainers?: Container[];
    nodeName?: string;
    volumes?: Array<{ name: string; [source: string]: unknown }>;
    imagePullSecrets?: Array<{ name: string }>;
    [field: string]: unknown;
  };
  status?: {
    phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown' | string;
    conditions?: PodCondition[];
    containerStatuses?: ContainerStatus[];
    initContainerStatuses?: ContainerStatus[];
    reason?: string;
    message?: string;
    startTime?: string;
    podIP?: string;
    hostIP?: string;
  };
}

export interface Namespace {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  status?: { phase?: string };
}

/** spec.containers[] / spec.initContainers[] of a SidecarSet: a corev1.Container plus Kruise fields. */
export interface SidecarContainer extends Container {
  podInjectPolicy?: 'BeforeAppContainer' | 'AfterAppContainer' | string;
  upgradeStrategy?: { upgradeType?: 'ColdUpgrade' | 'HotUpgrade' | string; hotUpgradeEmptyImage?: string };
  shareVolumePolicy?: { type?: 'enabled' | 'disabled' | string };
  shareVolumeDevicePolicy?: { type?: 'enabled' | 'disabled' | string };
  transferEnv?: Array<{
    sourceContainerName?: string;
    sourceContainerNameFrom?: { fieldRef?: { apiVersion?: string; fieldPath: string } };
    envName?: string;
    envNames?: string[];
  }>;
  resourcesPolicy?: {
    targetContainersMode: 'sum' | 'max' | string;
    targetContainersNameRegex?: string;
    resourcesExpr: {
      limits?: { cpu?: string; memory?: string };
      requests?: { cpu?: string; memory?: string };
    };
  };
}

export interface SidecarSetUpdateStrategy {
  type?: 'RollingUpdate' | 'NotUpdate' | string;
  paused?: boolean;
  selector?: LabelSelector;
  partition?: IntOrString;
  maxUnavailable?: IntOrString;
  priorityStrategy?: {
    weightPriority?: Array<{ weight: number; matchSelector: LabelSelector }>;
    orderPriority?: Array<{ orderedKey: string }>;
  };
  scatterStrategy?: Array<{ key: string; value: string }>;
}

export interface SidecarSetSpec {
  selector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  /** v1alpha1 only (converted away on storage). */
  namespace?: string;
  /** v1beta1 only. */
  customVersion?: string;
  initContainers?: SidecarContainer[];
  containers?: SidecarContainer[];
  volumes?: Array<{ name: string; [source: string]: unknown }>;
  updateStrategy?: SidecarSetUpdateStrategy;
  injectionStrategy?: {
    paused?: boolean;
    revision?: { revisionName?: string; customVersion?: string; policy?: 'Always' | 'Partial' | string };
  };
  imagePullSecrets?: Array<{ name: string }>;
  revisionHistoryLimit?: number;
  patchPodMetadata?: Array<{ annotations?: Record<string, string>; patchPolicy?: string }>;
}

export interface SidecarSetStatus {
  observedGeneration?: number;
  matchedPods: number;
  updatedPods: number;
  readyPods: number;
  updatedReadyPods?: number;
  latestRevision?: string;
  collisionCount?: number;
}

export interface SidecarSet {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec: SidecarSetSpec;
  status?: SidecarSetStatus;
}

export interface ControllerRevision {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  data?: unknown;
  revision: number;
}

/** Annotation and label keys Kruise reads and writes (pkg/control/sidecarcontrol/api.go, util.go). */
export const KRUISE = {
  sidecarSetHash: 'kruise.io/sidecarset-hash',
  sidecarSetHashWithoutImage: 'kruise.io/sidecarset-hash-without-image',
  injectedList: 'kruise.io/sidecarset-injected-list',
  inplaceUpdateState: 'kruise.io/sidecarset-inplace-update-state',
  workingHotUpgradeContainer: 'kruise.io/sidecarset-working-hotupgrade-container',
  versionPrefix: 'version.sidecarset.kruise.io/',
  versionAltPrefix: 'versionalt.sidecarset.kruise.io/',
  canary: 'apps.kruise.io/sidecarset-canary',
  canaryBase: 'apps.kruise.io/sidecarset-base',
  customVersionLabel: 'apps.kruise.io/sidecarset-custom-version',
  revisionSidecarSetLabel: 'kruise.io/sidecarset-name',
  upgradableCondition: 'SidecarSetUpgradable',
  kruiseNamespace: 'kruise-system',
} as const;
