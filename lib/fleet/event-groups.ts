/**
 * Events summarized. A rollout over 100,000 pods emits 100,000 "Killing" events that differ only
 * in the pod they are about; a page shows them as one group: its reason and message, how often it
 * happened, on how many objects of which workloads, and when, with its newest events to open.
 */
import type { KubeEvent } from './cluster-state';
import type { EventGroup, EventGroups, EventRow, WorkloadRef } from './views';
import { workloadKey } from './workloads';

/** Bounds on what one answer carries, whatever the number of events: 50 × 20 rows at most. */
export const MAX_EVENT_GROUPS = 50;
export const MAX_EVENTS_PER_GROUP = 20;
export const MAX_WORKLOADS_PER_GROUP = 10;

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Newest first (by lastTimestamp), then by name so equal times keep one order. */
export function newestFirst(a: KubeEvent, b: KubeEvent): number {
  return cmp(b.lastTimestamp ?? '', a.lastTimestamp ?? '') || cmp(a.metadata.name, b.metadata.name);
}

export function eventRow(e: KubeEvent): EventRow {
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

/** A Go duration as kubelets print them: `2.1s`, `500ms`, `5m0s`, `1h2m3.5s`. */
const GO_DURATION = /(?<![\w.])(?:\d+(?:\.\d+)?(?:h|ms|us|µs|ns|m|s))+(?![\w])/g;
const NAME_CHAR = /[A-Za-z0-9.-]/;

/** `text` with every whole-word occurrence of `name` (a DNS name: letters, digits, `-`, `.`) replaced. */
function replaceName(text: string, name: string, placeholder: string): string {
  if (!name) return text;
  let out = '';
  let from = 0;
  let at = text.indexOf(name);
  while (at >= 0) {
    const before = at > 0 ? (text[at - 1] as string) : '';
    const end = at + name.length;
    const after = text[end] ?? '';
    // A sentence's full stop after the name still ends it ("... pod web-0."), a dot inside a longer name does not.
    const afterIsName = after !== '' && NAME_CHAR.test(after) && !(after === '.' && !NAME_CHAR.test(text[end + 1] ?? ' '));
    if ((before === '' || !NAME_CHAR.test(before)) && !afterIsName) {
      out += text.slice(from, at) + placeholder;
      from = end;
      at = text.indexOf(name, end);
    } else {
      at = text.indexOf(name, at + 1);
    }
  }
  return from === 0 ? text : out + text.slice(from);
}

/** The message with what differs from one object to the next taken out, so those events group together. */
export function normalizeMessage(e: KubeEvent): string {
  const io = e.involvedObject;
  let m = e.message;
  // The object's own uid and name are the event's subject, not its content ("... in pod web-0_shop(<uid>)").
  if (io.uid) m = m.split(io.uid).join('<uid>');
  m = replaceName(m, io.name, `<${io.kind ? io.kind.toLowerCase() : 'object'}>`);
  // How long one pull or back-off took differs on every pod; what happened does not.
  return m.replace(GO_DURATION, '<duration>');
}

/** FNV-1a, 32 bits, as 8 hex digits: a short stable id for a group's key. */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

interface Building {
  key: string;
  type: string;
  reason: string;
  message: string;
  /** The first event's own message, shown while every event of the group says exactly that. */
  raw: string;
  varied: boolean;
  count: number;
  events: KubeEvent[];
  objects: Set<string>;
  kinds: Set<string>;
  workloads: Map<string, WorkloadRef & { count: number }>;
  first?: string;
  last?: string;
}

/** What grouping derives from one Event object alone, kept while the object lives (the cache replaces changed ones). */
export interface EventKeys {
  group: string;
  message: string;
  object: string;
}

export type EventKeysMemo = WeakMap<KubeEvent, EventKeys>;

function keysOf(e: KubeEvent, memo: EventKeysMemo | undefined): EventKeys {
  let k = memo?.get(e);
  if (!k) {
    const message = normalizeMessage(e);
    const io = e.involvedObject;
    k = { group: `${e.type}\u0000${e.reason}\u0000${message}`, message, object: `${io.kind}/${io.namespace ?? ''}/${io.name}` };
    memo?.set(e, k);
  }
  return k;
}

export interface GroupEventsOptions {
  /** The workload of the object an event is about (a pod's owner); undefined when it has none. */
  workloadOf?: (e: KubeEvent) => WorkloadRef | undefined;
  /** Keys of Event objects seen before: pass the same map to successive calls to normalize each Event once. */
  memo?: EventKeysMemo;
  maxGroups?: number;
  maxEventsPerGroup?: number;
  maxWorkloadsPerGroup?: number;
}

/**
 * Groups events by type, reason and normalized message: counts (the Events' own `count`, which
 * Kubernetes raises instead of writing a new Event for a repeat), objects, workloads and time
 * range over every event; the most recently seen groups and each group's newest events, capped.
 */
export function groupEvents(events: Iterable<KubeEvent>, opts: GroupEventsOptions = {}): EventGroups {
  const maxGroups = opts.maxGroups ?? MAX_EVENT_GROUPS;
  const maxEvents = opts.maxEventsPerGroup ?? MAX_EVENTS_PER_GROUP;
  const maxWorkloads = opts.maxWorkloadsPerGroup ?? MAX_WORKLOADS_PER_GROUP;
  const byKey = new Map<string, Building>();
  let totalEvents = 0;
  let totalCount = 0;
  for (const e of events) {
    const { group: key, message, object } = keysOf(e, opts.memo);
    let g = byKey.get(key);
    if (!g) {
      g = {
        key,
        type: e.type,
        reason: e.reason,
        message,
        raw: e.message,
        varied: false,
        count: 0,
        events: [],
        objects: new Set(),
        kinds: new Set(),
        workloads: new Map(),
      };
      byKey.set(key, g);
    } else if (!g.varied && e.message !== g.raw) {
      g.varied = true;
    }
    // An Event is at least one occurrence, whatever its count says (events.k8s.io singletons carry none).
    const count = Math.max(1, Math.trunc(e.count) || 0);
    g.count += count;
    g.events.push(e);
    g.objects.add(object);
    g.kinds.add(e.involvedObject.kind);
    const w = opts.workloadOf?.(e);
    if (w) {
      const wk = workloadKey(w);
      const seen = g.workloads.get(wk);
      if (seen) seen.count += count;
      else g.workloads.set(wk, { kind: w.kind, namespace: w.namespace, name: w.name, count });
    }
    const first = e.firstTimestamp ?? e.lastTimestamp;
    const last = e.lastTimestamp ?? e.firstTimestamp;
    if (first && (g.first === undefined || first < g.first)) g.first = first;
    if (last && (g.last === undefined || last > g.last)) g.last = last;
    totalEvents++;
    totalCount += count;
  }
  const groups = [...byKey.values()]
    .sort((a, b) => cmp(b.last ?? '', a.last ?? '') || b.count - a.count || cmp(a.reason, b.reason) || cmp(a.message, b.message))
    .slice(0, maxGroups)
    .map((g): EventGroup => {
      const workloads = [...g.workloads.values()].sort(
        (a, b) => b.count - a.count || cmp(a.namespace, b.namespace) || cmp(a.kind, b.kind) || cmp(a.name, b.name),
      );
      const out: EventGroup = {
        id: hash(g.key),
        type: g.type,
        reason: g.reason,
        // Placeholders only where they stand for more than one value.
        message: g.varied ? g.message : g.raw,
        count: g.count,
        events: g.events.length,
        objects: g.objects.size,
        kinds: [...g.kinds].sort(cmp),
        workloads: workloads.slice(0, maxWorkloads),
        workloadsTotal: workloads.length,
        newest: newestEvents(g.events, maxEvents).map(eventRow),
      };
      if (g.first) out.firstTimestamp = g.first;
      if (g.last) out.lastTimestamp = g.last;
      return out;
    });
  return { groups, totalGroups: byKey.size, totalEvents, totalCount };
}

/** The `n` newest events, newest first, without sorting all of them (a group can hold 100,000). */
export function newestEvents(events: readonly KubeEvent[], n: number): KubeEvent[] {
  if (events.length <= n) return [...events].sort(newestFirst);
  const top: KubeEvent[] = [];
  for (const e of events) {
    if (top.length === n && newestFirst(e, top[n - 1] as KubeEvent) >= 0) continue;
    let i = top.length;
    while (i > 0 && newestFirst(e, top[i - 1] as KubeEvent) < 0) i--;
    top.splice(i, 0, e);
    if (top.length > n) top.pop();
  }
  return top;
}
