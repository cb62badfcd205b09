/**
 * StatefulSets keep pods `<name>-<ordinal>` (OrderedReady or Parallel), update them from the
 * highest ordinal down to the partition, and record ControllerRevisions.
 */
import { isObject, type JsonObject } from '../apiserver/util';
import type { KObject } from '../types';
import {
  ensureRevision,
  isPodActive,
  isPodReady,
  num,
  podFromTemplate,
  spec,
  status,
  templateHash,
  type WorkloadOps,
} from './workload-support';

export function reconcileStatefulSet(ops: WorkloadOps, sts: KObject): void {
  const s = spec(sts);
  const name = sts.metadata.name;
  const replicas = num(s.replicas, 1);
  const hash = templateHash(s.template, num(status(sts).collisionCount));
  const updateRevision = `${name}-${hash}`;
  ensureRevision(ops, sts, hash, updateRevision);
  const parallel = s.podManagementPolicy === 'Parallel';
  const pods = new Map<number, KObject>();
  for (const p of ops.owned(sts, 'pods')) {
    const m = new RegExp(`^${escapeRe(name)}-(\\d+)$`).exec(p.metadata.name);
    if (m) pods.set(Number(m[1]), p);
  }
  const revisionOf = (p: KObject) => p.metadata.labels?.['controller-revision-hash'];
  const template = (s.template as JsonObject) ?? {};
  const makePod = (i: number) =>
    podFromTemplate(
      sts,
      template,
      { name: `${name}-${i}` },
      {
        'controller-revision-hash': updateRevision,
        'statefulset.kubernetes.io/pod-name': `${name}-${i}`,
        'apps.kubernetes.io/pod-index': String(i),
      },
      { hostname: `${name}-${i}`, ...(typeof s.serviceName === 'string' && s.serviceName ? { subdomain: s.serviceName } : {}) },
    );

  // Create missing ordinals (in order, waiting for each to be ready unless Parallel).
  let blocked = false;
  for (let i = 0; i < replicas; i++) {
    const p = pods.get(i);
    if (!p) {
      if (blocked) break;
      if (!ops.createPod(sts, 'apps/statefulsets', makePod(i))) return;
      if (!parallel) blocked = true;
      continue;
    }
    if (!parallel && !isPodReady(p)) blocked = true;
  }
  // Scale down from the highest ordinal.
  const extra = [...pods.keys()].filter((i) => i >= replicas).sort((a, b) => b - a);
  for (const i of extra) {
    if (!parallel && [...pods.entries()].some(([j, p]) => j < i && !isPodReady(p))) break;
    ops.deletePod(pods.get(i) as KObject);
    pods.delete(i);
    if (!parallel) break;
  }
  // Rolling update from the highest ordinal down to the partition, one pod at a time.
  const us = isObject(s.updateStrategy) ? s.updateStrategy : {};
  if (us.type !== 'OnDelete' && !blocked) {
    const partition = num(isObject(us.rollingUpdate) ? us.rollingUpdate.partition : 0);
    const allReady = [...pods.entries()].filter(([i]) => i < replicas).every(([, p]) => isPodReady(p));
    if (allReady) {
      for (let i = replicas - 1; i >= partition; i--) {
        const p = pods.get(i);
        if (p && revisionOf(p) !== updateRevision) {
          ops.deletePod(p);
          break;
        }
      }
    }
  }
  const live = ops.owned(sts, 'pods').filter(isPodActive);
  const ready = live.filter(isPodReady).length;
  const updated = live.filter((p) => revisionOf(p) === updateRevision).length;
  const prevCurrent = status(sts).currentRevision as string | undefined;
  const currentRevision = updated === replicas && live.length === replicas ? updateRevision : (prevCurrent ?? updateRevision);
  const current = live.filter((p) => revisionOf(p) === currentRevision).length;
  ops.writeStatus('apps/statefulsets', sts, (st) => {
    st.observedGeneration = sts.metadata.generation;
    st.replicas = live.length;
    st.readyReplicas = ready;
    st.availableReplicas = ready;
    st.currentReplicas = current;
    st.updatedReplicas = updated;
    st.currentRevision = currentRevision;
    st.updateRevision = updateRevision;
    st.collisionCount = num(st.collisionCount);
    for (const k of ['readyReplicas', 'currentReplicas', 'updatedReplicas']) if (st[k] === 0) delete st[k];
  });
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
