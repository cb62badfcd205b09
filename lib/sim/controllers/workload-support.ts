/**
 * What the workload controllers (deployment, replicaset, statefulset and daemonset-controller.ts)
 * share: reads of stored objects, owner references, pods made from templates, the template hash,
 * revisions, and the operations the controller loop lends them (WorkloadOps).
 */
import { canonicalJson } from '@/lib/fleet/json';
import type { Pod } from '@/lib/fleet/k8s-types';
import { scaledOrZero } from '@/lib/fleet/int-or-percent';
import { isPodActive as podIsActive, isPodReady as podIsReady } from '@/lib/fleet/pod-readiness';
import { clone, fnv32a, isObject, type JsonObject, safeEncodeString } from '../apiserver/util';
import { ApiError, type KObject, type Store, type UserInfo } from '../types';

export const CONTROLLER_USER: UserInfo = {
  name: 'system:serviceaccount:kube-system:workload-controller',
  groups: ['system:serviceaccounts'],
};

export const WORKLOADS = ['apps/deployments', 'apps/replicasets', 'apps/statefulsets', 'apps/daemonsets'] as const;
export type Workload = (typeof WORKLOADS)[number];

/** What the controller loop lends each workload's reconcile. */
export interface WorkloadOps {
  store: Store;
  /** Objects of `resource` whose controller is `owner`. */
  owned(owner: KObject, resource: string): KObject[];
  /** Creates a pod through admission; false (and a FailedCreate condition and Event) when refused. */
  createPod(owner: KObject, ownerResource: Workload, pod: KObject): boolean;
  deletePod(p: KObject): void;
  /** Writes the status subresource when `fn` changes it. */
  writeStatus(resource: string, o: KObject, fn: (st: JsonObject) => void): void;
  recordEvent(o: KObject, type: string, reason: string, message: string): void;
  enqueue(resource: string, ns: string | undefined, name: string): void;
}

/** The pod-template-hash / controller-revision-hash of a pod template. */
export function templateHash(template: unknown, collisionCount = 0): string {
  return safeEncodeString(String(fnv32a(`${canonicalJson(template)}#${collisionCount}`)));
}

export function num(v: unknown, d = 0): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : d;
}

export function spec(o: KObject): JsonObject {
  return isObject(o.spec) ? o.spec : {};
}

export function status(o: KObject): JsonObject {
  return isObject(o.status) ? o.status : {};
}

/** A stored pod read through the shared pod predicates (lib/fleet/pod-readiness.ts). */
export function isPodReady(p: KObject): boolean {
  return podIsReady(p as unknown as Pod);
}

export function isPodActive(p: KObject): boolean {
  return podIsActive(p as unknown as Pod);
}

/** maxSurge/maxUnavailable against a total; a malformed value reads 0 ("Error caught by validation"). */
export function scaled(v: unknown, total: number, roundUp: boolean): number {
  return typeof v === 'number' || typeof v === 'string' ? scaledOrZero(v, total, roundUp) : 0;
}

export function ownerRef(o: KObject): {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller: boolean;
  blockOwnerDeletion: boolean;
} {
  return {
    apiVersion: o.apiVersion,
    kind: o.kind,
    name: o.metadata.name,
    uid: o.metadata.uid as string,
    controller: true,
    blockOwnerDeletion: true,
  };
}

export function controllerOf(o: KObject): { kind: string; name: string; uid: string } | undefined {
  return (o.metadata.ownerReferences ?? []).find((r) => r.controller);
}

/** A pod for a workload from its template (the fleet seeding uses this too). */
export function podFromTemplate(
  owner: KObject,
  template: JsonObject,
  name: { name?: string; generateName?: string },
  extraLabels: Record<string, string>,
  specExtra: JsonObject = {},
): KObject {
  const meta = isObject(template.metadata) ? template.metadata : {};
  const labels = { ...((meta.labels as Record<string, string>) ?? {}), ...extraLabels };
  const annotations = meta.annotations as Record<string, string> | undefined;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: name.name ?? '',
      ...(name.generateName ? { generateName: name.generateName } : {}),
      namespace: owner.metadata.namespace,
      labels,
      ...(annotations ? { annotations: { ...annotations } } : {}),
      ownerReferences: [ownerRef(owner)],
    },
    spec: { ...clone(isObject(template.spec) ? template.spec : {}), ...specExtra },
  };
}

/** The ControllerRevision of a StatefulSet or DaemonSet template; returns its revision number. */
export function ensureRevision(ops: WorkloadOps, owner: KObject, hash: string, name: string): number {
  const { store } = ops;
  const revs = ops.owned(owner, 'apps/controllerrevisions');
  const max = revs.reduce((m, r) => Math.max(m, num(r.revision)), 0);
  const existing = revs.find((r) => r.metadata.name === name);
  if (existing) return num(existing.revision);
  const template = clone((spec(owner).template as JsonObject) ?? {});
  try {
    store.create(
      'apps/controllerrevisions',
      {
        apiVersion: 'apps/v1',
        kind: 'ControllerRevision',
        metadata: {
          name,
          namespace: owner.metadata.namespace,
          labels: {
            ...(((isObject(template.metadata) ? template.metadata.labels : undefined) as Record<string, string>) ?? {}),
            'controller.kubernetes.io/hash': hash,
          },
          ownerReferences: [ownerRef(owner)],
        },
        data: { spec: { template: { ...template, $patch: 'replace' } } },
        revision: max + 1,
      },
      { user: CONTROLLER_USER },
    );
  } catch (e) {
    if (!(e instanceof ApiError && e.code === 409)) throw e;
  }
  return max + 1;
}
