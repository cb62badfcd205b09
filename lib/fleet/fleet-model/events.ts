/** Events by the object they are about, for the detail views. */
import type { KubeEvent } from '../cluster-state';
import { eventRow, newestEvents } from '../event-groups';
import type { EventRow } from '../views';
import type { PodEntry } from './pod-entries';

const MAX_EVENTS = 100;

/** An object an event is about: its kind, and `namespace/name` (`/name` for a cluster-scoped one; a PodEntry's key for a pod). */
export interface EventObject {
  kind: string;
  key: string;
}

/** The object of a workload, a SidecarSet or any other named object. */
export function eventObject(kind: string, namespace: string | undefined, name: string): EventObject {
  return { kind, key: `${namespace ?? ''}/${name}` };
}

/** The events about an object and about the pods given (a SidecarSet's, a workload's). */
export interface EventIndex {
  /** Every one of them (for grouping): the object's first, then each pod's in the order given. */
  about(object: EventObject | undefined, pods: Iterable<PodEntry>): KubeEvent[];
  /** The newest (at most 100), as rows. */
  newest(object: EventObject | undefined, pods: Iterable<PodEntry>): EventRow[];
}

/**
 * Indexed by kind, then `namespace/name`: a SidecarSet page looks up the events of its 3,000 pods
 * by the keys their entries already hold, rather than building a key string per pod per view.
 */
export function indexEvents(events: readonly KubeEvent[]): EventIndex {
  const byKind = new Map<string, Map<string, KubeEvent[]>>();
  for (const e of events) {
    const io = e.involvedObject;
    let byKey = byKind.get(io.kind);
    if (!byKey) {
      byKey = new Map();
      byKind.set(io.kind, byKey);
    }
    const k = `${io.namespace ?? ''}/${io.name}`;
    const list = byKey.get(k);
    if (list) list.push(e);
    else byKey.set(k, [e]);
  }
  const pods = byKind.get('Pod');
  const about = (object: EventObject | undefined, entries: Iterable<PodEntry>) => {
    const found: KubeEvent[] = [];
    if (object) for (const e of byKind.get(object.kind)?.get(object.key) ?? []) found.push(e);
    if (pods) for (const p of entries) for (const e of pods.get(p.key) ?? []) found.push(e);
    return found;
  };
  return {
    about,
    newest: (object, entries) => newestEvents(about(object, entries), MAX_EVENTS).map(eventRow),
  };
}
