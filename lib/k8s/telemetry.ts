import 'server-only';
import type { ResourceName } from './cache';

/**
 * What lib/k8s reports about its own work, for whoever listens (lib/metrics.ts turns it into
 * Prometheus series). The door to the cluster emits facts where they happen and knows nothing of
 * metrics libraries; with no listener an emit costs a property read.
 *
 * Next bundles route handlers and instrumentation.ts separately, each with its own copy of this
 * module: the listeners live on globalThis so every copy reaches the same ones.
 */
export type FleetSignal =
  /** A list of one resource finished (every page of it) or failed. */
  | { type: 'list'; resource: ResourceName; namespace?: string; pages: number; ok: boolean; errorKind?: string }
  /** A watch was opened: the first after a list, or a restart (server timeout, dropped stream, error). */
  | { type: 'watch'; resource: ResourceName; namespace?: string; restart: boolean }
  /** A 410 Gone (HTTP status or in-stream ERROR): the resource is listed again. */
  | { type: 'expired'; resource: ResourceName; namespace?: string }
  /** A rollout action reached the cluster (or was refused on the way): its outcome. */
  | { type: 'action'; action: string; result: string }
  /** The rollout guard tried to pause a SidecarSet. */
  | { type: 'guard'; sidecarSet: string; decision: 'paused' | 'lost-race' | 'failed' }
  /** A fleet model was built from the cache: how long it took (sliced builds: start to end, less the time they gave way to requests) and over how many pods. */
  | { type: 'model'; seconds: number; pods: number };

type Listener = (signal: FleetSignal) => void;
const LISTENERS = Symbol.for('sidecar-fleet.telemetry');
type Holder = { [LISTENERS]?: Set<Listener> };

export function emit(signal: FleetSignal): void {
  const listeners = (globalThis as Holder)[LISTENERS];
  if (!listeners) return;
  for (const fn of listeners) {
    try {
      fn(signal);
    } catch {
      // A listener's failure must never break a list, a watch or an action.
    }
  }
}

export function onSignal(fn: Listener): () => void {
  const g = globalThis as Holder;
  g[LISTENERS] ??= new Set();
  g[LISTENERS].add(fn);
  return () => g[LISTENERS]?.delete(fn);
}
