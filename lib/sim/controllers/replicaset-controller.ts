/** ReplicaSets keep their pod count (kube-controller-manager's replicaset controller, in miniature). */
import { matchesLabelSelector } from '@/lib/fleet/label-selector';
import type { Pod } from '@/lib/fleet/k8s-types';
import { isObject, type JsonObject } from '../apiserver/util';
import type { KObject } from '../types';
import { isPodActive, isPodReady, num, podFromTemplate, spec, status, type WorkloadOps } from './workload-support';

export function reconcileReplicaSet(ops: WorkloadOps, rs: KObject): void {
  const s = spec(rs);
  const desired = num(s.replicas, 1);
  const pods = ops.owned(rs, 'pods').filter(isPodActive);
  const diff = desired - pods.length;
  let created = 0;
  if (diff > 0) {
    const template = (s.template as JsonObject) ?? {};
    const burst = Math.min(diff, 500);
    for (let i = 0; i < burst; i++) {
      if (!ops.createPod(rs, 'apps/replicasets', podFromTemplate(rs, template, { generateName: `${rs.metadata.name}-` }, {}))) break;
      created++;
    }
    if (burst < diff) ops.enqueue('apps/replicasets', rs.metadata.namespace, rs.metadata.name);
  } else if (diff < 0) {
    // Delete the least useful first: unscheduled, pending, not ready, then the newest.
    const ranked = [...pods].sort(
      (a, b) => podRank(a) - podRank(b) || String(b.metadata.creationTimestamp).localeCompare(String(a.metadata.creationTimestamp)),
    );
    for (const p of ranked.slice(0, -diff)) ops.deletePod(p);
  }
  const live = ops.owned(rs, 'pods').filter(isPodActive);
  const ready = live.filter(isPodReady).length;
  const labels = (isObject(s.selector) ? s.selector : {}) as never;
  ops.writeStatus('apps/replicasets', rs, (st) => {
    st.replicas = live.length;
    st.fullyLabeledReplicas = live.filter((p) => matchesLabelSelector(labels, p.metadata.labels)).length;
    st.readyReplicas = ready;
    st.availableReplicas = ready;
    st.observedGeneration = rs.metadata.generation;
    if (created > 0 || diff <= 0) {
      const conds = ((st.conditions as JsonObject[]) ?? []).filter((c) => c.type !== 'ReplicaFailure');
      if (conds.length) st.conditions = conds;
      else delete st.conditions;
    }
    for (const k of ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas'])
      if (st[k] === 0 && k !== 'replicas') delete st[k];
  });
}

function podRank(p: KObject): number {
  const sp = spec(p) as Pod['spec'];
  if (!sp.nodeName) return 0;
  const ph = status(p).phase;
  if (ph === 'Pending') return 1;
  if (!isPodReady(p)) return 2;
  return 3;
}
