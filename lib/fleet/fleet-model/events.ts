/** Events by the object they are about, for the detail views. */
import type { KubeEvent } from '../cluster-state';
import { eventRow, newestEvents } from '../event-groups';
import type { EventRow } from '../views';

const MAX_EVENTS = 100;

/** `Kind/namespace/name` of an event's object (namespace empty for cluster-scoped ones). */
export function eventObjectKey(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}/${namespace ?? ''}/${name}`;
}

/** The events about any of the objects named by `eventObjectKey`. */
export interface EventIndex {
  /** Every one of them (for grouping). */
  about(keys: Iterable<string>): KubeEvent[];
  /** The newest (at most 100), as rows. */
  newest(keys: Iterable<string>): EventRow[];
}

export function indexEvents(events: readonly KubeEvent[]): EventIndex {
  const byObject = new Map<string, KubeEvent[]>();
  for (const e of events) {
    const io = e.involvedObject;
    const k = eventObjectKey(io.kind, io.namespace, io.name);
    const list = byObject.get(k);
    if (list) list.push(e);
    else byObject.set(k, [e]);
  }
  const about = (keys: Iterable<string>) => {
    const found: KubeEvent[] = [];
    for (const k of keys) for (const e of byObject.get(k) ?? []) found.push(e);
    return found;
  };
  return {
    about,
    newest: (keys) => newestEvents(about(keys), MAX_EVENTS).map(eventRow),
  };
}
