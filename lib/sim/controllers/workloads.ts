/**
 * The workload controllers of kube-controller-manager, in miniature: Deployments make ReplicaSets
 * (pod-template-hash) and roll between them (maxSurge/maxUnavailable, Recreate), ReplicaSets keep
 * their pod count, StatefulSets keep `<name>-<ordinal>` pods (OrderedReady or Parallel, rolling
 * update from the highest ordinal, partition), DaemonSets keep one pod per matching node. Each
 * writes the status fields kubectl and the dashboard read. Pods are created through the store's
 * create, so admission (sidecar injection) runs on them.
 *
 * Event-driven: store events enqueue the affected workload; a coalescing queue reconciles.
 */
import type { Pod } from '@/lib/fleet/k8s-types';
import { scaledOrZero } from '@/lib/fleet/int-or-percent';
import { matchesLabelSelector } from '@/lib/fleet/label-selector';
import { isPodActive as podIsActive, isPodReady as podIsReady } from '@/lib/fleet/pod-readiness';
import { canonicalJson } from '@/lib/fleet/json';
import { clone, fnv32a, isObject, type JsonObject, safeEncodeString } from '../apiserver/util';
import { ApiError, type KObject, type SimController, type Store, type StoreEvent, type UserInfo } from '../types';

const CONTROLLER_USER: UserInfo = { name: 'system:serviceaccount:kube-system:workload-controller', groups: ['system:serviceaccounts'] };

const WORKLOADS = ['apps/deployments', 'apps/replicasets', 'apps/statefulsets', 'apps/daemonsets'] as const;
type Workload = (typeof WORKLOADS)[number];

const KIND_TO_RESOURCE: Record<string, Workload> = {
  Deployment: 'apps/deployments',
  ReplicaSet: 'apps/replicasets',
  StatefulSet: 'apps/statefulsets',
  DaemonSet: 'apps/daemonsets',
};

/** The pod-template-hash / controller-revision-hash of a pod template. */
export function templateHash(template: unknown, collisionCount = 0): string {
  return safeEncodeString(String(fnv32a(`${canonicalJson(template)}#${collisionCount}`)));
}

function key(resource: string, ns: string | undefined, name: string): string {
  return `${resource}|${ns ?? ''}|${name}`;
}

function num(v: unknown, d = 0): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : d;
}

function spec(o: KObject): JsonObject {
  return isObject(o.spec) ? o.spec : {};
}

function status(o: KObject): JsonObject {
  return isObject(o.status) ? o.status : {};
}

/** A stored pod read through the shared pod predicates (lib/fleet/pod-readiness.ts). */
function isPodReady(p: KObject): boolean {
  return podIsReady(p as unknown as Pod);
}

function isPodActive(p: KObject): boolean {
  return podIsActive(p as unknown as Pod);
}

/** maxSurge/maxUnavailable against a total; a malformed value reads 0 ("Error caught by validation"). */
function scaled(v: unknown, total: number, roundUp: boolean): number {
  return typeof v === 'number' || typeof v === 'string' ? scaledOrZero(v, total, roundUp) : 0;
}

function ownerRef(o: KObject): {
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

function controllerOf(o: KObject): { kind: string; name: string; uid: string } | undefined {
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

export class WorkloadController implements SimController {
  name = 'workloads';
  private store?: Store;
  private children = new Map<string, Set<string>>();
  private queue = new Set<string>();
  private scheduled = false;
  private unsubscribe = () => {};
  private stopped = false;
  private retryTimers = new Set<NodeJS.Timeout>();

  start(store: Store): void {
    this.store = store;
    this.stopped = false;
    for (const r of ['pods', 'apps/replicasets', 'apps/controllerrevisions']) {
      for (const o of store.list(r)) this.index(r, undefined, o);
    }
    this.unsubscribe = store.subscribe((ev) => this.onEvent(ev));
    for (const r of WORKLOADS) for (const o of store.list(r)) this.enqueue(r, o.metadata.namespace, o.metadata.name);
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe();
    for (const t of this.retryTimers) clearTimeout(t);
    this.queue.clear();
  }

  private index(resource: string, old: KObject | undefined, next: KObject | undefined): void {
    const k = (o: KObject) => key(resource, o.metadata.namespace, o.metadata.name);
    const oldOwner = old ? controllerOf(old)?.uid : undefined;
    const newOwner = next ? controllerOf(next)?.uid : undefined;
    if (oldOwner && oldOwner !== newOwner) this.children.get(oldOwner)?.delete(k(old as KObject));
    if (newOwner) {
      let s = this.children.get(newOwner);
      if (!s) {
        s = new Set();
        this.children.set(newOwner, s);
      }
      s.add(k(next as KObject));
    }
  }

  private onEvent(ev: StoreEvent): void {
    if (this.stopped) return;
    const r = ev.resource;
    if (r === 'pods' || r === 'apps/replicasets' || r === 'apps/controllerrevisions') {
      this.index(r, ev.type === 'ADDED' ? undefined : (ev.old ?? ev.object), ev.type === 'DELETED' ? undefined : ev.object);
      const owner = controllerOf(ev.object) ?? (ev.old ? controllerOf(ev.old) : undefined);
      const res = owner ? KIND_TO_RESOURCE[owner.kind] : undefined;
      if (owner && res) this.enqueue(res, ev.object.metadata.namespace, owner.name);
    }
    if ((WORKLOADS as readonly string[]).includes(r)) {
      if (ev.type === 'DELETED') {
        this.children.delete(ev.object.metadata.uid as string);
        return;
      }
      // Our own status writes need no reconcile, except a ReplicaSet's (its Deployment reads it).
      if (ev.type === 'MODIFIED' && ev.old && r !== 'apps/replicasets' && sameButStatus(ev.old, ev.object)) return;
      this.enqueue(r, ev.object.metadata.namespace, ev.object.metadata.name);
    }
    if (r === 'nodes' && ev.type !== 'MODIFIED') {
      for (const ds of (this.store as Store).list('apps/daemonsets'))
        this.enqueue('apps/daemonsets', ds.metadata.namespace, ds.metadata.name);
    }
  }

  private enqueue(resource: string, ns: string | undefined, name: string): void {
    this.queue.add(key(resource, ns, name));
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.drain());
  }

  private enqueueLater(resource: string, ns: string | undefined, name: string, ms: number): void {
    const t = setTimeout(() => {
      this.retryTimers.delete(t);
      if (!this.stopped) this.enqueue(resource, ns, name);
    }, ms);
    t.unref?.();
    this.retryTimers.add(t);
  }

  private drain(): void {
    this.scheduled = false;
    if (this.stopped) return;
    const work = [...this.queue];
    this.queue.clear();
    for (const k of work) {
      const [resource, ns, name] = k.split('|') as [Workload, string, string];
      try {
        this.reconcile(resource, ns || undefined, name);
      } catch (e) {
        if (e instanceof ApiError && (e.code === 404 || e.code === 409)) {
          this.enqueueLater(resource, ns || undefined, name, 50);
          continue;
        }
        console.error(`[sim] ${resource} ${ns}/${name} reconcile failed:`, e);
      }
    }
  }

  private reconcile(resource: Workload, ns: string | undefined, name: string): void {
    const store = this.store as Store;
    const o = store.get(resource, ns, name);
    if (!o || o.metadata.deletionTimestamp) return;
    switch (resource) {
      case 'apps/replicasets':
        this.reconcileReplicaSet(o);
        return;
      case 'apps/deployments':
        this.reconcileDeployment(o);
        return;
      case 'apps/statefulsets':
        this.reconcileStatefulSet(o);
        return;
      case 'apps/daemonsets':
        this.reconcileDaemonSet(o);
        return;
    }
  }

  private owned(owner: KObject, resource: string): KObject[] {
    const store = this.store as Store;
    const out: KObject[] = [];
    for (const k of this.children.get(owner.metadata.uid as string) ?? []) {
      const [r, ns, name] = k.split('|') as [string, string, string];
      if (r !== resource) continue;
      const o = store.get(r, ns || undefined, name);
      if (o) out.push(o);
    }
    return out;
  }

  private createPod(owner: KObject, ownerResource: Workload, pod: KObject): boolean {
    try {
      (this.store as Store).create('pods', pod, { user: CONTROLLER_USER });
      return true;
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      if (e.code === 409 && e.reason === 'AlreadyExists') return true;
      this.recordEvent(owner, 'Warning', 'FailedCreate', `Error creating: ${e.message}`);
      this.writeStatus(ownerResource, owner, (st) => {
        st.conditions = [
          ...((st.conditions as JsonObject[]) ?? []).filter((c) => c.type !== 'ReplicaFailure'),
          {
            type: 'ReplicaFailure',
            status: 'True',
            reason: 'FailedCreate',
            message: e.message,
            lastTransitionTime: new Date().toISOString(),
          },
        ];
      });
      this.enqueueLater(ownerResource, owner.metadata.namespace, owner.metadata.name, 1000);
      return false;
    }
  }

  private deletePod(p: KObject): void {
    try {
      (this.store as Store).delete('pods', p.metadata.namespace, p.metadata.name, { user: CONTROLLER_USER });
    } catch (e) {
      if (!(e instanceof ApiError && e.code === 404)) throw e;
    }
  }

  private writeStatus(resource: string, o: KObject, fn: (st: JsonObject) => void): void {
    const store = this.store as Store;
    const next = clone(status(o));
    fn(next);
    if (canonicalJson(next) === canonicalJson(status(o))) return;
    store.mutate(
      resource,
      o.metadata.namespace,
      o.metadata.name,
      (x) => {
        const st = clone(status(x));
        fn(st);
        x.status = st;
      },
      { subresource: 'status', user: CONTROLLER_USER },
    );
  }

  private recordEvent(o: KObject, type: string, reason: string, message: string): void {
    const store = this.store as Store;
    const ts = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    try {
      store.create(
        'events',
        {
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { name: '', generateName: `${o.metadata.name}.`, namespace: o.metadata.namespace ?? 'default' },
          involvedObject: {
            apiVersion: o.apiVersion,
            kind: o.kind,
            name: o.metadata.name,
            namespace: o.metadata.namespace,
            uid: o.metadata.uid,
            resourceVersion: o.metadata.resourceVersion,
          },
          reason,
          message,
          type,
          source: { component: `${o.kind.toLowerCase()}-controller` },
          firstTimestamp: ts,
          lastTimestamp: ts,
          count: 1,
          reportingComponent: `${o.kind.toLowerCase()}-controller`,
          reportingInstance: '',
        },
        { user: CONTROLLER_USER },
      );
    } catch {
      // Events are best effort.
    }
  }

  // ---- ReplicaSet ---------------------------------------------------------------------------

  private reconcileReplicaSet(rs: KObject): void {
    const s = spec(rs);
    const desired = num(s.replicas, 1);
    const pods = this.owned(rs, 'pods').filter(isPodActive);
    const diff = desired - pods.length;
    let created = 0;
    if (diff > 0) {
      const template = (s.template as JsonObject) ?? {};
      const burst = Math.min(diff, 500);
      for (let i = 0; i < burst; i++) {
        if (!this.createPod(rs, 'apps/replicasets', podFromTemplate(rs, template, { generateName: `${rs.metadata.name}-` }, {}))) break;
        created++;
      }
      if (burst < diff) this.enqueue('apps/replicasets', rs.metadata.namespace, rs.metadata.name);
    } else if (diff < 0) {
      // Delete the least useful first: unscheduled, pending, not ready, then the newest.
      const ranked = [...pods].sort(
        (a, b) => podRank(a) - podRank(b) || String(b.metadata.creationTimestamp).localeCompare(String(a.metadata.creationTimestamp)),
      );
      for (const p of ranked.slice(0, -diff)) this.deletePod(p);
    }
    const live = this.owned(rs, 'pods').filter(isPodActive);
    const ready = live.filter(isPodReady).length;
    const labels = (isObject(s.selector) ? s.selector : {}) as never;
    this.writeStatus('apps/replicasets', rs, (st) => {
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

  // ---- Deployment ---------------------------------------------------------------------------

  private reconcileDeployment(d: KObject): void {
    const store = this.store as Store;
    const s = spec(d);
    const desired = num(s.replicas, 1);
    const hash = templateHash(s.template, num(status(d).collisionCount));
    const all = this.owned(d, 'apps/replicasets');
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
            this.recordEvent(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${rs.metadata.name} from 0 to ${initial}`);
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
      if (newRS) this.rollOut(d, newRS, old, desired, maxSurge, maxUnavailable, recreate);
    }
    this.cleanupHistory(d, num(s.revisionHistoryLimit, 10));

    // Status from the ReplicaSets as they are now.
    const rsNow = this.owned(d, 'apps/replicasets');
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
    this.writeStatus('apps/deployments', d, (st) => {
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

  private setReplicas(d: KObject, rs: KObject, n: number): void {
    const from = num(spec(rs).replicas);
    if (from === n) return;
    (this.store as Store).mutate(
      'apps/replicasets',
      rs.metadata.namespace,
      rs.metadata.name,
      (x) => {
        (x.spec as JsonObject).replicas = n;
      },
      { user: CONTROLLER_USER },
    );
    this.recordEvent(
      d,
      'Normal',
      'ScalingReplicaSet',
      `Scaled ${n > from ? 'up' : 'down'} replica set ${rs.metadata.name} from ${from} to ${n}`,
    );
  }

  private rollOut(
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
        for (const rs of oldActive) this.setReplicas(d, rs, 0);
        return;
      }
      // Wait until the old pods are gone before starting new ones.
      if (old.some((rs) => num(status(rs).replicas) > 0)) return;
      this.setReplicas(d, newRS, desired);
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
    this.setReplicas(d, newRS, newCount);
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
      this.setReplicas(d, rs, specReplicas(rs) - cut);
      budget -= cut;
    }
  }

  private cleanupHistory(d: KObject, limit: number): void {
    const hash = templateHash(spec(d).template, num(status(d).collisionCount));
    const idle = this.owned(d, 'apps/replicasets')
      .filter((rs) => rs.metadata.labels?.['pod-template-hash'] !== hash && num(spec(rs).replicas) === 0 && num(status(rs).replicas) === 0)
      .sort(
        (a, b) =>
          Number(a.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0) -
          Number(b.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0),
      );
    for (const rs of idle.slice(0, Math.max(0, idle.length - limit))) {
      try {
        (this.store as Store).delete('apps/replicasets', rs.metadata.namespace, rs.metadata.name, { user: CONTROLLER_USER });
      } catch {
        // Already gone.
      }
    }
  }

  // ---- revisions for StatefulSets and DaemonSets ----------------------------------------------

  private ensureRevision(owner: KObject, hash: string, name: string): number {
    const store = this.store as Store;
    const revs = this.owned(owner, 'apps/controllerrevisions');
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

  // ---- StatefulSet --------------------------------------------------------------------------

  private reconcileStatefulSet(sts: KObject): void {
    const s = spec(sts);
    const name = sts.metadata.name;
    const replicas = num(s.replicas, 1);
    const hash = templateHash(s.template, num(status(sts).collisionCount));
    const updateRevision = `${name}-${hash}`;
    this.ensureRevision(sts, hash, updateRevision);
    const parallel = s.podManagementPolicy === 'Parallel';
    const pods = new Map<number, KObject>();
    for (const p of this.owned(sts, 'pods')) {
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
        if (!this.createPod(sts, 'apps/statefulsets', makePod(i))) return;
        if (!parallel) blocked = true;
        continue;
      }
      if (!parallel && !isPodReady(p)) blocked = true;
    }
    // Scale down from the highest ordinal.
    const extra = [...pods.keys()].filter((i) => i >= replicas).sort((a, b) => b - a);
    for (const i of extra) {
      if (!parallel && [...pods.entries()].some(([j, p]) => j < i && !isPodReady(p))) break;
      this.deletePod(pods.get(i) as KObject);
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
            this.deletePod(p);
            break;
          }
        }
      }
    }
    const live = this.owned(sts, 'pods').filter(isPodActive);
    const ready = live.filter(isPodReady).length;
    const updated = live.filter((p) => revisionOf(p) === updateRevision).length;
    const prevCurrent = status(sts).currentRevision as string | undefined;
    const currentRevision = updated === replicas && live.length === replicas ? updateRevision : (prevCurrent ?? updateRevision);
    const current = live.filter((p) => revisionOf(p) === currentRevision).length;
    this.writeStatus('apps/statefulsets', sts, (st) => {
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

  // ---- DaemonSet ----------------------------------------------------------------------------

  private reconcileDaemonSet(ds: KObject): void {
    const store = this.store as Store;
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
    this.ensureRevision(ds, hash, `${ds.metadata.name}-${hash}`);
    const gen = String(ds.metadata.generation ?? 1);
    const pods = this.owned(ds, 'pods').filter(isPodActive);
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
        if (!this.createPod(ds, 'apps/daemonsets', pod)) return;
      } else if (list.length > 1) {
        for (const p of list.slice(1)) this.deletePod(p);
      }
    }
    for (const [n, list] of byNode) if (!nodes.includes(n)) for (const p of list) this.deletePod(p);
    // Rolling update: replace old pods while at most maxUnavailable are unavailable.
    const us = isObject(s.updateStrategy) ? s.updateStrategy : {};
    if (us.type !== 'OnDelete') {
      const maxUnavailable = Math.max(
        1,
        scaled(isObject(us.rollingUpdate) ? (us.rollingUpdate.maxUnavailable ?? 1) : 1, nodes.length, true),
      );
      const live = this.owned(ds, 'pods').filter(isPodActive);
      let unavailable = nodes.length - live.filter(isPodReady).length;
      const oldPods = live.filter((p) => p.metadata.labels?.['controller-revision-hash'] !== hash);
      // Not-ready old pods go first: replacing them costs no availability.
      oldPods.sort((a, b) => Number(isPodReady(a)) - Number(isPodReady(b)));
      for (const p of oldPods) {
        if (!isPodReady(p)) {
          this.deletePod(p);
          continue;
        }
        if (unavailable >= maxUnavailable) break;
        this.deletePod(p);
        unavailable++;
      }
    }
    const live = this.owned(ds, 'pods').filter(isPodActive);
    const scheduledNodes = new Set(live.map((p) => spec(p).nodeName as string));
    const ready = live.filter(isPodReady);
    const updated = live.filter((p) => p.metadata.labels?.['controller-revision-hash'] === hash);
    this.writeStatus('apps/daemonsets', ds, (st) => {
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
}

function podRank(p: KObject): number {
  const sp = spec(p) as Pod['spec'];
  if (!sp.nodeName) return 0;
  const ph = status(p).phase;
  if (ph === 'Pending') return 1;
  if (!isPodReady(p)) return 2;
  return 3;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function sameButStatus(a: KObject, b: KObject): boolean {
  return a.metadata.generation === b.metadata.generation && canonicalJson(a.metadata.labels) === canonicalJson(b.metadata.labels);
}
