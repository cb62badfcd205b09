/** DaemonSets run one pod per matching node and replace old pods within maxUnavailable. */
import { isObject, type JsonObject } from '../apiserver/util';
import type { KObject } from '../types';
import {
  ensureRevision,
  isPodActive,
  isPodReady,
  num,
  podFromTemplate,
  scaled,
  spec,
  status,
  templateHash,
  type WorkloadOps,
} from './workload-support';

export function reconcileDaemonSet(ops: WorkloadOps, ds: KObject): void {
  const { store } = ops;
  const s = spec(ds);
  const template = (s.template as JsonObject) ?? {};
  const tspec = isObject(template.spec) ? template.spec : {};
  const nodeSelector = (tspec.nodeSelector as Record<string, string>) ?? {};
  const nodes = store
    .list('nodes')
    .filter((n) => Object.entries(nodeSelector).every(([k, v]) => n.metadata.labels?.[k] === v))
    .map((n) => n.metadata.name)
    .sort();
  const hash = templateHash(s.template, num(status(ds).collisionCount));
  ensureRevision(ops, ds, hash, `${ds.metadata.name}-${hash}`);
  const gen = String(ds.metadata.generation ?? 1);
  const pods = ops.owned(ds, 'pods').filter(isPodActive);
  const byNode = new Map<string, KObject[]>();
  for (const p of pods) {
    const n = (spec(p).nodeName as string) ?? '';
    byNode.set(n, [...(byNode.get(n) ?? []), p]);
  }
  for (const n of nodes) {
    const list = byNode.get(n) ?? [];
    if (list.length === 0) {
      const pod = podFromTemplate(
        ds,
        template,
        { generateName: `${ds.metadata.name}-` },
        { 'controller-revision-hash': hash, 'pod-template-generation': gen },
        {
          nodeName: n,
          tolerations: [
            ...((tspec.tolerations as JsonObject[]) ?? []),
            { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
            { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
            { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
            { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
            { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
            { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
          ],
        },
      );
      if (!ops.createPod(ds, 'apps/daemonsets', pod)) return;
    } else if (list.length > 1) {
      for (const p of list.slice(1)) ops.deletePod(p);
    }
  }
  for (const [n, list] of byNode) if (!nodes.includes(n)) for (const p of list) ops.deletePod(p);
  // Rolling update: replace old pods while at most maxUnavailable are unavailable.
  const us = isObject(s.updateStrategy) ? s.updateStrategy : {};
  if (us.type !== 'OnDelete') {
    const maxUnavailable = Math.max(1, scaled(isObject(us.rollingUpdate) ? (us.rollingUpdate.maxUnavailable ?? 1) : 1, nodes.length, true));
    const live = ops.owned(ds, 'pods').filter(isPodActive);
    let unavailable = nodes.length - live.filter(isPodReady).length;
    const oldPods = live.filter((p) => p.metadata.labels?.['controller-revision-hash'] !== hash);
    // Not-ready old pods go first: replacing them costs no availability.
    oldPods.sort((a, b) => Number(isPodReady(a)) - Number(isPodReady(b)));
    for (const p of oldPods) {
      if (!isPodReady(p)) {
        ops.deletePod(p);
        continue;
      }
      if (unavailable >= maxUnavailable) break;
      ops.deletePod(p);
      unavailable++;
    }
  }
  const live = ops.owned(ds, 'pods').filter(isPodActive);
  const scheduledNodes = new Set(live.map((p) => spec(p).nodeName as string));
  const ready = live.filter(isPodReady);
  const updated = live.filter((p) => p.metadata.labels?.['controller-revision-hash'] === hash);
  ops.writeStatus('apps/daemonsets', ds, (st) => {
    st.observedGeneration = ds.metadata.generation;
    st.desiredNumberScheduled = nodes.length;
    st.currentNumberScheduled = nodes.filter((n) => scheduledNodes.has(n)).length;
    st.numberMisscheduled = 0;
    st.numberReady = ready.length;
    st.numberAvailable = ready.length;
    st.updatedNumberScheduled = updated.length;
    st.numberUnavailable = Math.max(0, nodes.length - ready.length);
    if (st.numberAvailable === 0) delete st.numberAvailable;
    if (st.numberUnavailable === 0) delete st.numberUnavailable;
    if (st.updatedNumberScheduled === 0) delete st.updatedNumberScheduled;
  });
}
