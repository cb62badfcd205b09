/**
 * Real-shaped Pod and SidecarSet JSON for the kruise-pod and rollout-planner tests: what the API
 * server returns for pods injected by a SidecarSet `log-ss` (cold `log-agent`) and upgraded in place
 * from busybox 1.35 to 1.36.
 */
import type { Pod, SidecarSet } from './k8s-types';

export const HASH_OLD = 'v4wz2f5x9bdc8k7l6qjm2n4p5r6s7t8v9w2x4z5b6c7d8f9g2h4j5k6l7m8n9p2q';
export const HASH_NEW = 'x9bdc8k7l6qjm2n4p5r6s7t8v9w2x4z5b6c7d8f9g2h4j5k6l7m8n9p2qv4wz2f5';
export const HASH_WI = 'c7d8f9g2h4j5k6l7m8n9p2qv4wz2f5x9bdc8k7l6qjm2n4p5r6s7t8v9w2x4z5b6';
export const HASH_WI_OTHER = 'q2p9n8m7l6k5j4h2g9f8d7c6b5z4x2w9v8t7s6r5p4n2mjq6l7k8cdb9x5f2zw4v';
export const IMG_OLD = 'docker.io/library/busybox:1.35';
export const IMG_NEW = 'docker.io/library/busybox:1.36';
export const ID_OLD = 'docker.io/library/busybox@sha256:3fbc632167424a6d997e74f52b878d7cc478225cffac6bc977eedfe51c7f4e79';
export const ID_NEW = 'docker.io/library/busybox@sha256:9ae97d36d26566ff84e8893c64a6dc4fe8ca6d1144bf5b87b2b85a32def253c7';
export const APP_IMG = 'docker.io/library/nginx:1.27';
export const APP_ID = 'docker.io/library/nginx@sha256:2bcabc23b45489fb0885d69a06ba1d648aeda973fae7bb981bafbb884165e514';

export function logSidecarSet(overrides: Partial<SidecarSet['spec']> = {}, name = 'log-ss'): SidecarSet {
  return {
    apiVersion: 'apps.kruise.io/v1beta1',
    kind: 'SidecarSet',
    metadata: {
      name,
      uid: '1b7f4c55-2f0e-4a5e-9d54-0e7c4b1e9a01',
      resourceVersion: '4711',
      generation: 2,
      creationTimestamp: '2025-11-20T07:59:00Z',
      annotations: {
        'kruise.io/sidecarset-hash': HASH_NEW,
        'kruise.io/sidecarset-hash-without-image': HASH_WI,
      },
    },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      updateStrategy: { type: 'RollingUpdate', partition: 0, maxUnavailable: 1 },
      injectionStrategy: {},
      revisionHistoryLimit: 10,
      containers: [
        {
          name: 'log-agent',
          image: IMG_NEW,
          imagePullPolicy: 'IfNotPresent',
          command: ['sleep', '999d'],
          podInjectPolicy: 'BeforeAppContainer',
          upgradeStrategy: { upgradeType: 'ColdUpgrade' },
          shareVolumePolicy: { type: 'disabled' },
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
        },
      ],
      ...overrides,
    },
    status: {
      observedGeneration: 2,
      matchedPods: 0,
      updatedPods: 0,
      readyPods: 0,
      updatedReadyPods: 0,
      latestRevision: `${name}-6f9c7d5b8`,
      collisionCount: 0,
    },
  };
}

export type PodState =
  /** Injected with the old image, never upgraded. */
  | 'old'
  /** Upgraded in place and the new image runs (consistent). */
  | 'updated'
  /** Upgraded in place, the runtime still reports the old imageID (not consistent). */
  | 'updating'
  /** Upgraded but the new image fails to pull. */
  | 'failing';

export interface PodOptions {
  namespace?: string;
  labels?: Record<string, string>;
  state?: PodState;
  /** PodReady condition (default true). */
  ready?: boolean;
  phase?: string;
  nodeName?: string | null;
  withoutImageHash?: string;
  created?: string;
  readySince?: string;
  restarts?: number;
  deleting?: boolean;
  sidecarSet?: string;
  legacyAnnotations?: boolean;
}

/** A pod of a Deployment `web` with the log-agent sidecar injected by `log-ss`. */
export function logPod(name: string, o: PodOptions = {}): Pod {
  const ss = o.sidecarSet ?? 'log-ss';
  const state = o.state ?? 'old';
  const ready = o.ready ?? true;
  const phase = o.phase ?? 'Running';
  const hash = state === 'old' ? HASH_OLD : HASH_NEW;
  const specImage = state === 'old' ? IMG_OLD : IMG_NEW;
  const statusImage = state === 'updated' ? IMG_NEW : IMG_OLD;
  const statusId = state === 'updated' ? ID_NEW : ID_OLD;
  const entry = (h: string, rev?: string) => ({
    updateTimestamp: state === 'old' ? '2025-11-20T08:00:00Z' : '2025-11-21T09:00:00Z',
    hash: h,
    sidecarSetName: ss,
    sidecarList: ['log-agent'],
    ...(rev ? { controllerRevision: rev } : {}),
  });
  const annotations: Record<string, string> = {
    'kruise.io/sidecarset-injected-list': ss,
    'kruise.io/sidecarset-hash': o.legacyAnnotations
      ? JSON.stringify({ [ss]: hash })
      : JSON.stringify({ [ss]: entry(hash, state === 'old' ? `${ss}-58d4b7c9f` : `${ss}-6f9c7d5b8`) }),
    'kruise.io/sidecarset-hash-without-image': o.legacyAnnotations
      ? JSON.stringify({ [ss]: o.withoutImageHash ?? HASH_WI })
      : JSON.stringify({ [ss]: entry(o.withoutImageHash ?? HASH_WI) }),
  };
  if (state !== 'old') {
    annotations['kruise.io/sidecarset-inplace-update-state'] = JSON.stringify({
      [ss]: {
        revision: HASH_NEW,
        updateTimestamp: '2025-11-21T09:00:00Z',
        lastContainerStatuses: { 'log-agent': { imageID: ID_OLD } },
      },
    });
  }
  const created = o.created ?? '2025-11-20T08:00:00Z';
  const readySince = o.readySince ?? '2025-11-20T08:00:30Z';
  const sidecarReady = state === 'failing' ? false : ready;
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: o.namespace ?? 'shop',
      uid: `uid-${name}`,
      resourceVersion: '1200',
      creationTimestamp: created,
      labels: o.labels ?? { app: 'web', 'pod-template-hash': '7d4b9c6f5' },
      annotations,
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d4b9c6f5', uid: 'rs-uid', controller: true, blockOwnerDeletion: true },
      ],
      ...(o.deleting ? { deletionTimestamp: '2025-11-21T10:00:00Z' } : {}),
    },
    spec: {
      containers: [
        {
          name: 'log-agent',
          image: specImage,
          imagePullPolicy: 'IfNotPresent',
          command: ['sleep', '999d'],
          env: [{ name: 'IS_INJECTED', value: 'true' }],
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
        },
        {
          name: 'nginx',
          image: APP_IMG,
          imagePullPolicy: 'IfNotPresent',
          ports: [{ containerPort: 80, protocol: 'TCP' }],
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
        },
      ],
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
      ...(o.nodeName === null ? {} : { nodeName: o.nodeName ?? 'sim-node-1' }),
    },
    status: {
      phase,
      conditions: [
        { type: 'Initialized', status: 'True', lastTransitionTime: created, lastProbeTime: null },
        {
          type: 'Ready',
          status: ready ? 'True' : 'False',
          lastTransitionTime: readySince,
          lastProbeTime: null,
          ...(ready ? {} : { reason: 'ContainersNotReady' }),
        },
        { type: 'ContainersReady', status: ready ? 'True' : 'False', lastTransitionTime: readySince, lastProbeTime: null },
        { type: 'PodScheduled', status: 'True', lastTransitionTime: created, lastProbeTime: null },
      ],
      containerStatuses: [
        {
          name: 'log-agent',
          image: statusImage,
          imageID: statusId,
          ready: sidecarReady,
          started: sidecarReady,
          restartCount: o.restarts ?? 0,
          state:
            state === 'failing'
              ? { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${IMG_NEW}"` } }
              : { running: { startedAt: readySince } },
          containerID: `containerd://${name}-log-agent`,
        },
        {
          name: 'nginx',
          image: APP_IMG,
          imageID: APP_ID,
          ready,
          started: true,
          restartCount: 0,
          state: { running: { startedAt: readySince } },
          containerID: `containerd://${name}-nginx`,
        },
      ],
      hostIP: '10.0.0.11',
      podIP: '10.244.1.17',
      startTime: created,
    },
  };
  return pod;
}

/** `n` pods named `<prefix>-0000`… in the given state. */
export function logPods(prefix: string, n: number, o: PodOptions = {}): Pod[] {
  return Array.from({ length: n }, (_, i) => logPod(`${prefix}-${String(i).padStart(4, '0')}`, o));
}

export const NAMESPACES: Record<string, Record<string, string>> = {
  shop: { 'kubernetes.io/metadata.name': 'shop', team: 'commerce' },
  'kube-system': { 'kubernetes.io/metadata.name': 'kube-system', 'control-plane': 'true' },
};
