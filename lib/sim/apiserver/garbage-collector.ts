/**
 * The garbage collector of kube-controller-manager, for the built-in cluster's store: an index of
 * dependents by owner uid, orphaning on `propagationPolicy: Orphan`, and deletion of dependents
 * whose owners are all gone (Background), or before their owner (Foreground, which holds the owner
 * with the `foregroundDeletion` finalizer until its dependents are gone).
 */
import type { OwnerReference } from '@/lib/fleet/k8s-types';
import { ApiError, type KObject, type ResourceId } from '../types';
import type { StoreWriteOptions } from './store';

/** What the collector needs from the store. */
export interface CollectedStore {
  get(resource: ResourceId, namespace: string | undefined, name: string): KObject | undefined;
  // biome-ignore lint/suspicious/noConfusingVoidType: the Store contract lets fn return nothing.
  mutate(resource: ResourceId, namespace: string | undefined, name: string, fn: (obj: KObject) => KObject | void): KObject;
  delete(resource: ResourceId, namespace: string | undefined, name: string, opts?: StoreWriteOptions): KObject;
  findByUid(uid: string): { resource: ResourceId; object: KObject } | undefined;
}

type Policy = 'Background' | 'Foreground';

export class GarbageCollector {
  private ownerIndex = new Map<string, Set<string>>();
  private queue: Array<{ uid: string; policy: Policy }> = [];
  private scheduled = false;

  constructor(private readonly store: CollectedStore) {}

  /** Keeps the dependents index current as an object is written (`next`) or removed (no `next`). */
  index(resource: ResourceId, old: KObject | undefined, next: KObject | undefined): void {
    const ref = (o: KObject) => `${resource}\n${o.metadata.namespace ?? ''}\n${o.metadata.name}`;
    const before = old?.metadata.ownerReferences ?? [];
    const after = next?.metadata.ownerReferences ?? [];
    if (before === after) return;
    for (const r of before) {
      if (!after.some((a) => a.uid === r.uid)) this.ownerIndex.get(r.uid)?.delete(ref(old as KObject));
    }
    for (const r of after) {
      let s = this.ownerIndex.get(r.uid);
      if (!s) {
        s = new Set();
        this.ownerIndex.set(r.uid, s);
      }
      s.add(ref(next as KObject));
    }
  }

  private dependents(uid: string): Array<{ resource: ResourceId; namespace?: string; name: string }> {
    const s = this.ownerIndex.get(uid);
    if (!s) return [];
    return [...s].map((r) => {
      const [resource, namespace, name] = r.split('\n') as [string, string, string];
      return { resource, namespace: namespace || undefined, name };
    });
  }

  hasDependents(uid: string): boolean {
    return (this.ownerIndex.get(uid)?.size ?? 0) > 0;
  }

  /** `propagationPolicy: Orphan`: the dependents lose their reference to the owner and stay. */
  orphanDependents(uid: string): void {
    for (const d of this.dependents(uid)) {
      try {
        this.store.mutate(d.resource, d.namespace, d.name, (o) => {
          o.metadata.ownerReferences = (o.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
          if (o.metadata.ownerReferences.length === 0) delete o.metadata.ownerReferences;
        });
      } catch {
        // Gone meanwhile.
      }
    }
    this.ownerIndex.delete(uid);
  }

  /** Collects the dependents of a deleted (or foreground-deleting) owner, after the current write. */
  enqueue(uid: string, policy: Policy): void {
    if (!this.hasDependents(uid)) return;
    this.queue.push({ uid, policy });
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.run());
  }

  private ownerExists(ref: OwnerReference): boolean {
    const found = this.store.findByUid(ref.uid);
    return found !== undefined && !found.object.metadata.deletionTimestamp;
  }

  /** Deletes dependents whose owners are all gone; keeps those another live owner still holds. */
  private run(): void {
    this.scheduled = false;
    const work = this.queue;
    this.queue = [];
    for (const { uid, policy } of work) {
      for (const d of this.dependents(uid)) {
        const o = this.store.get(d.resource, d.namespace, d.name);
        if (!o) continue;
        const others = (o.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
        try {
          if (others.length > 0 && others.some((r) => this.ownerExists(r))) {
            this.store.mutate(d.resource, d.namespace, d.name, (x) => {
              x.metadata.ownerReferences = others;
            });
          } else {
            this.store.delete(d.resource, d.namespace, d.name, { propagationPolicy: policy });
          }
        } catch (e) {
          if (!(e instanceof ApiError && e.code === 404)) console.error('[sim] gc failed:', e);
        }
      }
      if (policy === 'Foreground') this.finishForeground(uid);
    }
  }

  private finishForeground(uid: string): void {
    const found = this.store.findByUid(uid);
    if (!found) return;
    if (this.hasDependents(uid)) {
      // Dependents still terminating: look again shortly.
      setTimeout(() => this.finishForeground(uid), 20);
      return;
    }
    const o = found.object;
    try {
      this.store.mutate(found.resource, o.metadata.namespace, o.metadata.name, (x) => {
        x.metadata.finalizers = (x.metadata.finalizers ?? []).filter((f) => f !== 'foregroundDeletion');
      });
    } catch {
      // Already gone.
    }
  }
}
