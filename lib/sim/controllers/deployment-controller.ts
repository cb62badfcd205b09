/**
 * Deployments make ReplicaSets named `<deployment>-<pod-template-hash>` and roll between them
 * within maxSurge/maxUnavailable (or Recreate), with revisions, history cleanup and the
 * Available/Progressing conditions (kube-controller-manager's deployment controller, in miniature).
 */
import { clone, isObject, type JsonObject } from '../apiserver/util';
import { ApiError, type KObject } from '../types';
import { CONTROLLER_USER, num, ownerRef, scaled, spec, status, templateHash, type WorkloadOps } from './workload-support';

/** The ReplicaSet a Deployment would make for its current template (the fleet seeding uses this too). */
export function replicaSetFor(d: KObject, replicas: number, revision: number): KObject {
  const s = spec(d);
  const template = clone((s.template as JsonObject) ?? {});
  const hash = templateHash(s.template, num(status(d).collisionCount));
  const tmeta = (isObject(template.metadata) ? template.metadata : {}) as JsonObject;
  tmeta.labels = { ...((tmeta.labels as Record<string, string>) ?? {}), 'pod-template-hash': hash };
  template.metadata = tmeta;
  const sel = clone((s.selector as JsonObject) ?? {});
  sel.matchLabels = { ...((sel.matchLabels as Record<string, string>) ?? {}), 'pod-template-hash': hash };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${d.metadata.name}-${hash}`,
      namespace: d.metadata.namespace,
      labels: { ...((tmeta.labels as Record<string, string>) ?? {}) },
      annotations: {
        'deployment.kubernetes.io/desired-replicas': String(num(s.replicas, 1)),
        'deployment.kubernetes.io/max-replicas': String(num(s.replicas, 1) + maxSurgeOf(d)),
        'deployment.kubernetes.io/revision': String(revision),
      },
      ownerReferences: [ownerRef(d)],
    },
    spec: { replicas, minReadySeconds: num(s.minReadySeconds), selector: sel, template },
  };
}

function maxSurgeOf(d: KObject): number {
  const s = spec(d);
  const strat = isObject(s.strategy) ? s.strategy : {};
  if (strat.type === 'Recreate') return 0;
  const ru = isObject(strat.rollingUpdate) ? strat.rollingUpdate : {};
  return scaled(ru.maxSurge ?? '25%', num(s.replicas, 1), true);
}

export function reconcileDeployment(ops: WorkloadOps, d: KObject): void {
  const { store } = ops;
  const s = spec(d);
  const desired = num(s.replicas, 1);
  const hash = templateHash(s.template, num(status(d).collisionCount));
  const all = ops.owned(d, 'apps/replicasets');
  const revOf = (rs: KObject) => Number(rs.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0);
  const maxRev = all.reduce((m, rs) => Math.max(m, revOf(rs)), 0);
  let newRS = all.find((rs) => rs.metadata.labels?.['pod-template-hash'] === hash);
  const old = all.filter((rs) => rs !== newRS);
  const strat = isObject(s.strategy) ? s.strategy : {};
  const recreate = strat.type === 'Recreate';
  const ru = isObject(strat.rollingUpdate) ? strat.rollingUpdate : {};
  const maxSurge = recreate ? 0 : scaled(ru.maxSurge ?? '25%', desired, true);
  let maxUnavailable = recreate ? desired : scaled(ru.maxUnavailable ?? '25%', desired, false);
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  if (maxUnavailable > desired) maxUnavailable = desired;
  const specReplicas = (rs: KObject) => num(spec(rs).replicas);
  const oldTotal = old.reduce((n, rs) => n + specReplicas(rs), 0);

  if (s.paused !== true) {
    if (!newRS) {
      let initial: number;
      if (recreate) initial = oldTotal > 0 ? 0 : desired;
      else initial = Math.max(0, Math.min(desired, desired + maxSurge - oldTotal));
      if (old.length === 0) initial = desired;
      const rs = replicaSetFor(d, initial, maxRev + 1);
      try {
        newRS = store.create('apps/replicasets', rs, { user: CONTROLLER_USER });
        if (initial > 0)
          ops.recordEvent(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${rs.metadata.name} from 0 to ${initial}`);
      } catch (e) {
        if (!(e instanceof ApiError && e.code === 409)) throw e;
        newRS = store.get('apps/replicasets', d.metadata.namespace, rs.metadata.name);
      }
    } else if (revOf(newRS) < maxRev) {
      // Rolling back to an older template: that ReplicaSet becomes the newest revision.
      newRS = store.mutate(
        'apps/replicasets',
        d.metadata.namespace,
        newRS.metadata.name,
        (x) => {
          x.metadata.annotations = { ...(x.metadata.annotations ?? {}), 'deployment.kubernetes.io/revision': String(maxRev + 1) };
        },
        { user: CONTROLLER_USER },
      );
    }
    if (newRS) rollOut(ops, d, newRS, old, desired, maxSurge, maxUnavailable, recreate);
  }
  cleanupHistory(ops, d, num(s.revisionHistoryLimit, 10));

  // Status from the ReplicaSets as they are now.
  const rsNow = ops.owned(d, 'apps/replicasets');
  const cur = rsNow.find((rs) => rs.metadata.labels?.['pod-template-hash'] === hash);
  const sum = (f: string) => rsNow.reduce((n, rs) => n + num(status(rs)[f]), 0);
  const replicas = sum('replicas');
  const ready = sum('readyReplicas');
  const available = sum('availableReplicas');
  const updated = cur ? num(status(cur).replicas) : 0;
  const minAvailable = desired - maxUnavailable;
  const complete = updated === desired && replicas === desired && available === desired;
  const revision = cur?.metadata.annotations?.['deployment.kubernetes.io/revision'];
  if (revision && d.metadata.annotations?.['deployment.kubernetes.io/revision'] !== revision) {
    d = store.mutate(
      'apps/deployments',
      d.metadata.namespace,
      d.metadata.name,
      (x) => {
        x.metadata.annotations = { ...(x.metadata.annotations ?? {}), 'deployment.kubernetes.io/revision': revision };
      },
      { user: CONTROLLER_USER },
    );
  }
  ops.writeStatus('apps/deployments', d, (st) => {
    st.observedGeneration = d.metadata.generation;
    st.replicas = replicas;
    st.updatedReplicas = updated;
    st.readyReplicas = ready;
    st.availableReplicas = available;
    st.unavailableReplicas = Math.max(0, replicas - available, desired - available);
    for (const k of ['replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas'])
      if (st[k] === 0) delete st[k];
    const conds = (st.conditions as JsonObject[]) ?? [];
    const set = (c: JsonObject) => {
      const ts = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
      const i = conds.findIndex((x) => x.type === c.type);
      const prev = i >= 0 ? conds[i] : undefined;
      const same = prev && prev.status === c.status && prev.reason === c.reason;
      const next = {
        ...c,
        lastUpdateTime: same ? prev.lastUpdateTime : ts,
        lastTransitionTime: prev && prev.status === c.status ? prev.lastTransitionTime : ts,
      };
      if (i >= 0) conds[i] = next;
      else conds.push(next);
    };
    set(
      available >= minAvailable
        ? { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' }
        : {
            type: 'Available',
            status: 'False',
            reason: 'MinimumReplicasUnavailable',
            message: 'Deployment does not have minimum availability.',
          },
    );
    const rsName = cur?.metadata.name ?? `${d.metadata.name}-${hash}`;
    set(
      complete
        ? {
            type: 'Progressing',
            status: 'True',
            reason: 'NewReplicaSetAvailable',
            message: `ReplicaSet "${rsName}" has successfully progressed.`,
          }
        : { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: `ReplicaSet "${rsName}" is progressing.` },
    );
    st.conditions = conds;
  });
}

function setReplicas(ops: WorkloadOps, d: KObject, rs: KObject, n: number): void {
  const from = num(spec(rs).replicas);
  if (from === n) return;
  ops.store.mutate(
    'apps/replicasets',
    rs.metadata.namespace,
    rs.metadata.name,
    (x) => {
      (x.spec as JsonObject).replicas = n;
    },
    { user: CONTROLLER_USER },
  );
  ops.recordEvent(
    d,
    'Normal',
    'ScalingReplicaSet',
    `Scaled ${n > from ? 'up' : 'down'} replica set ${rs.metadata.name} from ${from} to ${n}`,
  );
}

function rollOut(
  ops: WorkloadOps,
  d: KObject,
  newRS: KObject,
  old: KObject[],
  desired: number,
  maxSurge: number,
  maxUnavailable: number,
  recreate: boolean,
): void {
  const specReplicas = (rs: KObject) => num(spec(rs).replicas);
  const oldActive = old.filter((rs) => specReplicas(rs) > 0);
  if (recreate) {
    if (oldActive.length > 0) {
      for (const rs of oldActive) setReplicas(ops, d, rs, 0);
      return;
    }
    // Wait until the old pods are gone before starting new ones.
    if (old.some((rs) => num(status(rs).replicas) > 0)) return;
    setReplicas(ops, d, newRS, desired);
    return;
  }
  // Scale up the new ReplicaSet within maxSurge.
  const total = specReplicas(newRS) + oldActive.reduce((n, rs) => n + specReplicas(rs), 0);
  let newCount = specReplicas(newRS);
  if (newCount < desired) {
    const room = desired + maxSurge - total;
    if (room > 0) newCount = Math.min(desired, newCount + room);
  } else if (newCount > desired) {
    newCount = desired;
  }
  setReplicas(ops, d, newRS, newCount);
  if (oldActive.length === 0) return;
  // Scale down old ReplicaSets without going below minAvailable.
  const minAvailable = desired - maxUnavailable;
  const newUnavailable = Math.max(0, newCount - num(status(newRS).availableReplicas));
  const totalNow = newCount + oldActive.reduce((n, rs) => n + specReplicas(rs), 0);
  let budget = totalNow - minAvailable - newUnavailable;
  if (budget <= 0) return;
  // Oldest first.
  const sorted = [...oldActive].sort((a, b) => String(a.metadata.creationTimestamp).localeCompare(String(b.metadata.creationTimestamp)));
  for (const rs of sorted) {
    if (budget <= 0) break;
    const cut = Math.min(budget, specReplicas(rs));
    setReplicas(ops, d, rs, specReplicas(rs) - cut);
    budget -= cut;
  }
}

function cleanupHistory(ops: WorkloadOps, d: KObject, limit: number): void {
  const hash = templateHash(spec(d).template, num(status(d).collisionCount));
  const idle = ops
    .owned(d, 'apps/replicasets')
    .filter((rs) => rs.metadata.labels?.['pod-template-hash'] !== hash && num(spec(rs).replicas) === 0 && num(status(rs).replicas) === 0)
    .sort(
      (a, b) =>
        Number(a.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0) -
        Number(b.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0),
    );
  for (const rs of idle.slice(0, Math.max(0, idle.length - limit))) {
    try {
      ops.store.delete('apps/replicasets', rs.metadata.namespace, rs.metadata.name, { user: CONTROLLER_USER });
    } catch {
      // Already gone.
    }
  }
}
