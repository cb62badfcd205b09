/**
 * The loop that runs the workload controllers of kube-controller-manager, in miniature (one file
 * each: deployment, replicaset, statefulset and daemonset-controller.ts). Each writes the status
 * fields kubectl and the dashboard read. Pods are created through the store's create, so admission
 * (sidecar injection) runs on them.
 *
 * Event-driven: store events enqueue the affected workload; a coalescing queue reconciles.
 */
import { canonicalJson } from '@/lib/fleet/json';
import { clone, type JsonObject } from '../apiserver/util';
import { ApiError, type KObject, type SimController, type Store, type StoreEvent } from '../types';
import { reconcileDaemonSet } from './daemonset-controller';
import { reconcileDeployment } from './deployment-controller';
import { reconcileReplicaSet } from './replicaset-controller';
import { reconcileStatefulSet } from './statefulset-controller';
import { CONTROLLER_USER, controllerOf, status, WORKLOADS, type Workload, type WorkloadOps } from './workload-support';

const KIND_TO_RESOURCE: Record<string, Workload> = {
  Deployment: 'apps/deployments',
  ReplicaSet: 'apps/replicasets',
  StatefulSet: 'apps/statefulsets',
  DaemonSet: 'apps/daemonsets',
};

function key(resource: string, ns: string | undefined, name: string): string {
  return `${resource}|${ns ?? ''}|${name}`;
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

  /** What each workload's reconcile may do, bound to this controller and its store. */
  private get ops(): WorkloadOps {
    return {
      store: this.store as Store,
      owned: (owner, resource) => this.owned(owner, resource),
      createPod: (owner, ownerResource, pod) => this.createPod(owner, ownerResource, pod),
      deletePod: (p) => this.deletePod(p),
      writeStatus: (resource, o, fn) => this.writeStatus(resource, o, fn),
      recordEvent: (o, type, reason, message) => this.recordEvent(o, type, reason, message),
      enqueue: (resource, ns, name) => this.enqueue(resource, ns, name),
    };
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
        reconcileReplicaSet(this.ops, o);
        return;
      case 'apps/deployments':
        reconcileDeployment(this.ops, o);
        return;
      case 'apps/statefulsets':
        reconcileStatefulSet(this.ops, o);
        return;
      case 'apps/daemonsets':
        reconcileDaemonSet(this.ops, o);
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
}

function sameButStatus(a: KObject, b: KObject): boolean {
  return a.metadata.generation === b.metadata.generation && canonicalJson(a.metadata.labels) === canonicalJson(b.metadata.labels);
}
