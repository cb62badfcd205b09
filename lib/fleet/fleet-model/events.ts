/** Events by the object they are about, newest first, for the detail views. */
import type { KubeEvent } from '../cluster-state';
import type { EventRow } from '../views';

const MAX_EVENTS = 100;

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function eventRow(e: KubeEvent): EventRow {
  const row: EventRow = {
    type: e.type,
    reason: e.reason,
    message: e.message,
    involved: { kind: e.involvedObject.kind, name: e.involvedObject.name },
    count: e.count,
  };
  if (e.involvedObject.namespace) row.involved.namespace = e.involvedObject.namespace;
  if (e.lastTimestamp) row.lastTimestamp = e.lastTimestamp;
  if (e.source) row.source = e.source;
  return row;
}

function newestFirst(a: KubeEvent, b: KubeEvent): number {
  return cmp(b.lastTimestamp ?? '', a.lastTimestamp ?? '') || cmp(a.metadata.name, b.metadata.name);
}

/** `Kind/namespace/name` of an event's object (namespace empty for cluster-scoped ones). */
export function eventObjectKey(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}/${namespace ?? ''}/${name}`;
}

/** The newest events (at most 100) about any of the objects named by `eventObjectKey`. */
export type EventLookup = (keys: Iterable<string>) => EventRow[];

export function indexEvents(events: readonly KubeEvent[]): EventLookup {
  const byObject = new Map<string, KubeEvent[]>();
  for (const e of events) {
    const io = e.involvedObject;
    const k = eventObjectKey(io.kind, io.namespace, io.name);
    const list = byObject.get(k);
    if (list) list.push(e);
    else byObject.set(k, [e]);
  }
  return (keys) => {
    const found: KubeEvent[] = [];
    for (const k of keys) for (const e of byObject.get(k) ?? []) found.push(e);
    return found.sort(newestFirst).slice(0, MAX_EVENTS).map(eventRow);
  };
}
