import 'server-only';
import type {
  Container,
  ContainerState,
  ContainerStatus,
  ControllerRevision,
  Namespace,
  ObjectMeta,
  Pod,
  PodCondition,
  SidecarSet,
} from '@/lib/fleet/k8s-types';
import type { KubeEvent, WorkloadObject } from '@/lib/fleet/cluster-state';
import { sharedValues } from '@/lib/fleet/shared-values';

/**
 * Trimming happens before an object enters the cache, so 10,000 pods cost a few MB rather than a
 * few hundred: only what the planner and the views read is kept. Anything added to a view that
 * reads a new pod field must be added here too.
 */

// biome-ignore lint/suspicious/noExplicitAny: raw API JSON, narrowed field by field below
type Raw = any;

const KEPT_POD_ANNOTATION = /^(kruise\.io\/sidecarset-|version\.sidecarset\.kruise\.io\/|versionalt\.sidecarset\.kruise\.io\/)/;

/**
 * What is kept per pod at 150,000 pods is mostly repeats: the 40 pods of a ReplicaSet carry the
 * same labels, owner, images, image IDs, node names and condition words, and JSON.parse gives each
 * its own copy. Those are shared here (one string, one frozen label set per distinct value), which
 * roughly halves the cache's heap (npm run bench prints the server's RSS). Hand-written because no
 * library interns parsed JSON; the tables are bounded and simply start over when full.
 */
const MAX_INTERNED = 400_000;
const strings = new Map<string, string>();
const labelSets = sharedValues<Readonly<Record<string, string>>>(MAX_INTERNED / 4);

export function intern(s: string): string;
export function intern(s: string | undefined): string | undefined;
export function intern(s: string | undefined): string | undefined {
  if (s === undefined) return undefined;
  const hit = strings.get(s);
  if (hit !== undefined) return hit;
  if (strings.size >= MAX_INTERNED) strings.clear();
  strings.set(s, s);
  return s;
}

/** One frozen object per distinct label set (keys in the order the server sent them). */
function internLabels(labels: Record<string, unknown>): Readonly<Record<string, string>> {
  return labelSets.get(JSON.stringify(labels), () => {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(labels)) out[intern(k)] = intern(String(v));
    return out;
  });
}

/**
 * One frozen list per distinct list of containers or owner references: the pods of a ReplicaSet
 * have the same ones (its template, its owner), so 150,000 pods need a few thousand lists.
 */
const lists = sharedValues<readonly unknown[]>(MAX_INTERNED / 4);

function internList<T>(items: T[]): T[] {
  return lists.get(JSON.stringify(items), () => {
    for (const item of items) Object.freeze(item);
    return items;
  }) as T[];
}

/** One frozen object per distinct set of kept annotations (already interned strings). */
const annotationSets = sharedValues<Readonly<Record<string, string>>>(MAX_INTERNED / 4);

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? intern(v) : undefined;
}

function meta(m: Raw, keepAnnotation?: (key: string) => boolean): ObjectMeta {
  let annotations: Record<string, string> | undefined;
  if (keepAnnotation && m?.annotations && typeof m.annotations === 'object') {
    for (const [k, v] of Object.entries(m.annotations as Record<string, string>)) {
      if (keepAnnotation(k)) {
        annotations ??= {};
        annotations[intern(k)] = intern(v);
      }
    }
  }
  // One literal with every field (see below): the fields stay inside the object.
  return {
    name: String(m?.name ?? ''),
    namespace: m?.namespace ? intern(m.namespace) : undefined,
    uid: m?.uid || undefined,
    // No resourceVersion: nothing reads a pod's, and without it an update that changes only what
    // is trimmed away (managedFields, other annotations, a ReplicaSet's status) leaves an equal
    // object, which the cache drops (cache.ts). SidecarSets keep theirs (trimSidecarSet): writes
    // are guarded by it.
    generation: typeof m?.generation === 'number' ? m.generation : undefined,
    creationTimestamp: m?.creationTimestamp ? intern(m.creationTimestamp) : undefined,
    deletionTimestamp: m?.deletionTimestamp || undefined,
    labels: m?.labels && typeof m.labels === 'object' ? (internLabels(m.labels) as Record<string, string>) : undefined,
    // Shared and frozen like label sets: the pods of one SidecarSet revision carry the same ones,
    // and kruise-pod memoises annotation parses per frozen object (no re-parsing of the hash JSON
    // on every predicate call).
    annotations: annotations && (annotationSets.get(JSON.stringify(annotations), () => annotations) as Record<string, string>),
    ownerReferences:
      Array.isArray(m?.ownerReferences) && m.ownerReferences.length
        ? internList(
            m.ownerReferences.map((o: Raw) => ({
              apiVersion: intern(o.apiVersion),
              kind: intern(o.kind),
              name: intern(o.name),
              uid: intern(o.uid),
              controller: o.controller ? true : undefined,
            })),
          )
        : undefined,
  };
}

/*
 * The per-pod objects below are each made by one object literal naming every field they can have
 * (an absent one is undefined): V8 then keeps the fields inside the object. Fields added after
 * the literal go to a separate backing store, which cost about 40 bytes more per object, and there
 * are 10 of these objects per pod. JSON, and the cache's equality test, treat an undefined field
 * as absent.
 */

function container(c: Raw, init: boolean): Container {
  return {
    name: intern(String(c?.name ?? '')),
    image: typeof c?.image === 'string' ? intern(c.image) : undefined,
    restartPolicy: init && c?.restartPolicy ? intern(c.restartPolicy) : undefined,
  };
}

/**
 * A running container's state, `{ running: { startedAt } }`, is two objects per container; the
 * containers started in the same second share one (frozen: cached objects are never edited).
 */
const runningStates = sharedValues<ContainerState>(MAX_INTERNED / 4);

function runningState(startedAt: string | undefined): ContainerState {
  return runningStates.get(startedAt ?? '', () => ({ running: Object.freeze({ startedAt: str(startedAt) }) }));
}

function state(s: Raw): ContainerState | undefined {
  if (!s || typeof s !== 'object') return undefined;
  if (s.running && !s.waiting && !s.terminated) return runningState(s.running.startedAt);
  const out: ContainerState = {};
  if (s.waiting)
    out.waiting = {
      reason: str(s.waiting.reason),
      message: intern(typeof s.waiting.message === 'string' ? s.waiting.message.slice(0, 300) : undefined),
    };
  if (s.running) out.running = { startedAt: str(s.running.startedAt) };
  if (s.terminated) {
    out.terminated = {
      exitCode: Number(s.terminated.exitCode ?? 0),
      reason: str(s.terminated.reason),
      finishedAt: str(s.terminated.finishedAt),
    };
    if (typeof s.terminated.signal === 'number') (out.terminated as Raw).signal = s.terminated.signal;
  }
  return out;
}

function containerStatus(c: Raw): ContainerStatus {
  const last = c?.lastState?.terminated;
  return {
    name: intern(String(c?.name ?? '')),
    image: intern(String(c?.image ?? '')),
    imageID: intern(String(c?.imageID ?? '')),
    ready: c?.ready === true,
    restartCount: Number(c?.restartCount ?? 0),
    started: typeof c?.started === 'boolean' ? c.started : undefined,
    state: state(c?.state),
    // lastState only matters for "terminated recently" (kubectl's restart age); keep it tiny.
    lastState: last ? { terminated: { exitCode: Number(last.exitCode ?? 0), reason: str(last.reason) } } : undefined,
  };
}

function condition(c: Raw): PodCondition {
  // A pod's conditions mostly changed in the same second or two: their words and times are shared.
  return {
    type: intern(String(c?.type ?? '')),
    status: intern(String(c?.status ?? 'Unknown')),
    reason: c?.reason ? intern(String(c.reason)) : undefined,
    // SidecarSetUpgradable carries its per-SidecarSet verdict as JSON in the message.
    message: c?.message ? String(c.message).slice(0, 2000) : undefined,
    lastTransitionTime: str(c?.lastTransitionTime),
  };
}

export function trimPod(raw: Raw): Pod {
  const spec = raw?.spec ?? {};
  const st = raw?.status;
  return {
    metadata: meta(raw?.metadata, (k) => KEPT_POD_ANNOTATION.test(k)),
    spec: {
      containers: internList(Array.isArray(spec.containers) ? spec.containers.map((c: Raw) => container(c, false)) : []),
      initContainers:
        Array.isArray(spec.initContainers) && spec.initContainers.length
          ? internList(spec.initContainers.map((c: Raw) => container(c, true)))
          : undefined,
      nodeName: spec.nodeName ? intern(spec.nodeName) : undefined,
    },
    status: st
      ? {
          phase: st.phase ? intern(st.phase) : undefined,
          reason: st.reason ? intern(st.reason) : undefined,
          conditions: Array.isArray(st.conditions) ? st.conditions.map(condition) : undefined,
          containerStatuses: Array.isArray(st.containerStatuses) ? st.containerStatuses.map(containerStatus) : undefined,
          initContainerStatuses:
            Array.isArray(st.initContainerStatuses) && st.initContainerStatuses.length
              ? st.initContainerStatuses.map(containerStatus)
              : undefined,
        }
      : undefined,
  };
}

export function trimNamespace(raw: Raw): Namespace {
  return { metadata: meta(raw?.metadata), status: raw?.status?.phase ? { phase: raw.status.phase } : undefined };
}

/** SidecarSets are few and small; keep them whole (the detail page shows their spec). */
export function trimSidecarSet(raw: Raw): SidecarSet {
  const m = { ...(raw?.metadata ?? {}) };
  delete m.managedFields;
  return { apiVersion: raw?.apiVersion, kind: 'SidecarSet', metadata: m, spec: raw?.spec ?? {}, status: raw?.status };
}

export function trimWorkload(raw: Raw): WorkloadObject {
  const out: WorkloadObject = { kind: String(raw?.kind ?? ''), metadata: meta(raw?.metadata) };
  if (typeof raw?.spec?.replicas === 'number') out.replicas = raw.spec.replicas;
  return out;
}

const REVISION_ANNOTATIONS = new Set(['kruise.io/sidecarset-hash', 'kruise.io/sidecarset-hash-without-image']);

/**
 * Revision data is small (five spec fields); keep images, the labels and the two hash annotations
 * (a pod injected before the SidecarSet's first status names no revision, only the hash).
 */
export function trimControllerRevision(raw: Raw): ControllerRevision {
  return {
    metadata: meta(raw?.metadata, (k) => REVISION_ANNOTATIONS.has(k)),
    data: raw?.data,
    revision: Number(raw?.revision ?? 0),
  };
}

export function trimEvent(raw: Raw): KubeEvent {
  const io = raw?.involvedObject ?? raw?.regarding ?? {};
  return {
    metadata: { name: String(raw?.metadata?.name ?? ''), namespace: raw?.metadata?.namespace, uid: raw?.metadata?.uid },
    type: String(raw?.type ?? 'Normal'),
    reason: String(raw?.reason ?? ''),
    message: String(raw?.message ?? raw?.note ?? '').slice(0, 1000),
    involvedObject: { kind: String(io.kind ?? ''), namespace: io.namespace, name: String(io.name ?? ''), uid: io.uid },
    count: Number(raw?.count ?? raw?.series?.count ?? 1),
    firstTimestamp: str(raw?.firstTimestamp) ?? str(raw?.eventTime) ?? str(raw?.metadata?.creationTimestamp),
    lastTimestamp:
      str(raw?.lastTimestamp) ??
      str(raw?.series?.lastObservedTime) ??
      str(raw?.eventTime) ??
      str(raw?.firstTimestamp) ??
      str(raw?.metadata?.creationTimestamp),
    source: str(raw?.source?.component) ?? str(raw?.reportingComponent) ?? str(raw?.reportingController),
  };
}
