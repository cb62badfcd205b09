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
const labelSets = new Map<string, Readonly<Record<string, string>>>();

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
  const key = JSON.stringify(labels);
  const hit = labelSets.get(key);
  if (hit) return hit;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) out[intern(k)] = intern(String(v));
  if (labelSets.size >= MAX_INTERNED / 4) labelSets.clear();
  const frozen = Object.freeze(out);
  labelSets.set(key, frozen);
  return frozen;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? intern(v) : undefined;
}

function meta(m: Raw, keepAnnotation?: (key: string) => boolean): ObjectMeta {
  const out: ObjectMeta = { name: String(m?.name ?? '') };
  if (m?.namespace) out.namespace = intern(m.namespace);
  if (m?.uid) out.uid = m.uid;
  // No resourceVersion: nothing reads a pod's, and without it an update that changes only what
  // is trimmed away (managedFields, other annotations, a ReplicaSet's status) leaves an equal
  // object, which the cache drops (cache.ts). SidecarSets keep theirs (trimSidecarSet): writes
  // are guarded by it.
  if (typeof m?.generation === 'number') out.generation = m.generation;
  if (m?.creationTimestamp) out.creationTimestamp = intern(m.creationTimestamp);
  if (m?.deletionTimestamp) out.deletionTimestamp = m.deletionTimestamp;
  if (m?.labels && typeof m.labels === 'object') out.labels = internLabels(m.labels) as Record<string, string>;
  if (keepAnnotation && m?.annotations && typeof m.annotations === 'object') {
    let kept: Record<string, string> | undefined;
    for (const [k, v] of Object.entries(m.annotations as Record<string, string>)) {
      if (keepAnnotation(k)) {
        kept ??= {};
        kept[intern(k)] = intern(v);
      }
    }
    // Frozen: cached objects are never edited, and kruise-pod memoises annotation parses per
    // frozen object (no re-parsing of the hash JSON on every predicate call).
    if (kept) out.annotations = Object.freeze(kept) as Record<string, string>;
  }
  if (Array.isArray(m?.ownerReferences) && m.ownerReferences.length) {
    out.ownerReferences = m.ownerReferences.map((o: Raw) => {
      const ref: NonNullable<ObjectMeta['ownerReferences']>[number] = {
        apiVersion: intern(o.apiVersion),
        kind: intern(o.kind),
        name: intern(o.name),
        uid: intern(o.uid),
      };
      if (o.controller) ref.controller = true;
      return ref;
    });
  }
  return out;
}

function container(c: Raw, init: boolean): Container {
  const out: Container = { name: intern(String(c?.name ?? '')) };
  if (c?.image !== undefined) out.image = intern(c.image);
  if (init && c?.restartPolicy) out.restartPolicy = intern(c.restartPolicy);
  return out;
}

function state(s: Raw): ContainerState | undefined {
  if (!s || typeof s !== 'object') return undefined;
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
  const out: ContainerStatus = {
    name: intern(String(c?.name ?? '')),
    image: intern(String(c?.image ?? '')),
    imageID: intern(String(c?.imageID ?? '')),
    ready: c?.ready === true,
    restartCount: Number(c?.restartCount ?? 0),
  };
  if (typeof c?.started === 'boolean') out.started = c.started;
  const st = state(c?.state);
  if (st) out.state = st;
  // lastState only matters for "terminated recently" (kubectl's restart age); keep it tiny.
  if (c?.lastState?.terminated) {
    out.lastState = { terminated: { exitCode: Number(c.lastState.terminated.exitCode ?? 0), reason: str(c.lastState.terminated.reason) } };
  }
  return out;
}

function condition(c: Raw): PodCondition {
  const out: PodCondition = { type: String(c?.type ?? ''), status: String(c?.status ?? 'Unknown') };
  if (c?.reason) out.reason = c.reason;
  // SidecarSetUpgradable carries its per-SidecarSet verdict as JSON in the message.
  if (c?.message) out.message = String(c.message).slice(0, 2000);
  if (c?.lastTransitionTime) out.lastTransitionTime = c.lastTransitionTime;
  return out;
}

export function trimPod(raw: Raw): Pod {
  const spec = raw?.spec ?? {};
  const pod: Pod = {
    metadata: meta(raw?.metadata, (k) => KEPT_POD_ANNOTATION.test(k)),
    spec: { containers: Array.isArray(spec.containers) ? spec.containers.map((c: Raw) => container(c, false)) : [] },
  };
  if (Array.isArray(spec.initContainers) && spec.initContainers.length) {
    pod.spec.initContainers = spec.initContainers.map((c: Raw) => container(c, true));
  }
  if (spec.nodeName) pod.spec.nodeName = intern(spec.nodeName);
  const st = raw?.status;
  if (st) {
    const status: NonNullable<Pod['status']> = {};
    if (st.phase) status.phase = intern(st.phase);
    if (st.reason) status.reason = intern(st.reason);
    if (Array.isArray(st.conditions)) status.conditions = st.conditions.map(condition);
    if (Array.isArray(st.containerStatuses)) status.containerStatuses = st.containerStatuses.map(containerStatus);
    if (Array.isArray(st.initContainerStatuses) && st.initContainerStatuses.length) {
      status.initContainerStatuses = st.initContainerStatuses.map(containerStatus);
    }
    pod.status = status;
  }
  return pod;
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
