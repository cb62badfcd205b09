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

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function meta(m: Raw, keepAnnotation?: (key: string) => boolean): ObjectMeta {
  const out: ObjectMeta = { name: String(m?.name ?? '') };
  if (m?.namespace) out.namespace = m.namespace;
  if (m?.uid) out.uid = m.uid;
  if (m?.resourceVersion) out.resourceVersion = m.resourceVersion;
  if (typeof m?.generation === 'number') out.generation = m.generation;
  if (m?.creationTimestamp) out.creationTimestamp = m.creationTimestamp;
  if (m?.deletionTimestamp) out.deletionTimestamp = m.deletionTimestamp;
  if (m?.labels && typeof m.labels === 'object') out.labels = m.labels;
  if (keepAnnotation && m?.annotations && typeof m.annotations === 'object') {
    let kept: Record<string, string> | undefined;
    for (const [k, v] of Object.entries(m.annotations as Record<string, string>)) {
      if (keepAnnotation(k)) {
        kept ??= {};
        kept[k] = v;
      }
    }
    // Frozen: cached objects are never edited, and kruise-pod memoises annotation parses per
    // frozen object (no re-parsing of the hash JSON on every predicate call).
    if (kept) out.annotations = Object.freeze(kept) as Record<string, string>;
  }
  if (Array.isArray(m?.ownerReferences) && m.ownerReferences.length) {
    out.ownerReferences = m.ownerReferences.map((o: Raw) => {
      const ref: NonNullable<ObjectMeta['ownerReferences']>[number] = {
        apiVersion: o.apiVersion,
        kind: o.kind,
        name: o.name,
        uid: o.uid,
      };
      if (o.controller) ref.controller = true;
      return ref;
    });
  }
  return out;
}

function container(c: Raw, init: boolean): Container {
  const out: Container = { name: String(c?.name ?? '') };
  if (c?.image !== undefined) out.image = c.image;
  if (init && c?.restartPolicy) out.restartPolicy = c.restartPolicy;
  return out;
}

function state(s: Raw): ContainerState | undefined {
  if (!s || typeof s !== 'object') return undefined;
  const out: ContainerState = {};
  if (s.waiting) out.waiting = { reason: str(s.waiting.reason), message: str(s.waiting.message)?.slice(0, 300) };
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
    name: String(c?.name ?? ''),
    image: String(c?.image ?? ''),
    imageID: String(c?.imageID ?? ''),
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
  if (spec.nodeName) pod.spec.nodeName = spec.nodeName;
  const st = raw?.status;
  if (st) {
    const status: NonNullable<Pod['status']> = {};
    if (st.phase) status.phase = st.phase;
    if (st.reason) status.reason = st.reason;
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
