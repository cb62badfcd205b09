/**
 * Per pod and sidecar state (as Kruise's annotations record it): which SidecarSet injected each sidecar, the revision
 * and image it runs, whether it is updated, in flight, failed (with the container's reason) or not
 * upgradable, and sidecars whose SidecarSet no longer owns them.
 */
import type { ContainerStatus, ControllerRevision, Pod, SidecarSet } from './k8s-types';
import { KRUISE } from './k8s-types';
import {
  idleTwinsReset,
  injectedList,
  isConsistent,
  isHotUpgrade,
  isUpdated,
  isUpgradable,
  podNamespace,
  podSidecarSetHashes,
  workingHotUpgradeContainer,
  workingHotUpgradeContainers,
} from './kruise-pod';
import { isNativeSidecar } from './containers';
import { isFailingReason } from './pod-status';
import { selects } from './selectors';
import type { PodSidecarState } from './views';

export interface SidecarContext {
  sidecarSets: ReadonlyMap<string, SidecarSet>;
  /** ControllerRevision name → revision number. */
  revisionNumbers: ReadonlyMap<string, number>;
  /** `<sidecarSet>\u0000<kruise.io/sidecarset-hash>` → ControllerRevision name. */
  revisionsByHash: ReadonlyMap<string, string>;
  /** Namespace name → labels (for namespaceSelector). */
  namespaceLabels: Record<string, Record<string, string>>;
}

/**
 * ControllerRevisions by the SidecarSet hash they carry (label `kruise.io/sidecarset-name`,
 * annotation `kruise.io/sidecarset-hash`, written by pkg/control/sidecarcontrol/history_control.go).
 */
export function revisionHashIndex(revisions: readonly ControllerRevision[]): Map<string, string> {
  const out = new Map<string, string>();
  // Oldest first, so a hash two revisions share (a rollback reuses one) names the newest.
  for (const r of [...revisions].sort((a, b) => a.revision - b.revision)) {
    const ss = r.metadata.labels?.[KRUISE.revisionSidecarSetLabel];
    const hash = r.metadata.annotations?.[KRUISE.sidecarSetHash];
    if (ss && hash) out.set(`${ss}\u0000${hash}`, r.metadata.name);
  }
  return out;
}

/**
 * The ControllerRevision a pod's sidecars came from. Kruise names it in the pod's hash annotation,
 * except for pods injected before the SidecarSet's first status write
 * (pkg/webhook/pod/mutating/sidecarset.go leaves `controllerRevision` empty then): those map by hash.
 */
export function podRevision(
  entry: { hash?: string; controllerRevision?: string } | undefined,
  sidecarSet: string,
  ctx: SidecarContext,
): string | undefined {
  if (entry?.controllerRevision) return entry.controllerRevision;
  return entry?.hash ? ctx.revisionsByHash.get(`${sidecarSet}\u0000${entry.hash}`) : undefined;
}

export function sidecarContext(
  sidecarSets: readonly SidecarSet[],
  revisions: readonly ControllerRevision[],
  namespaces: ReadonlyArray<{ metadata: { name: string; labels?: Record<string, string> } }>,
): SidecarContext {
  const namespaceLabels: Record<string, Record<string, string>> = {};
  for (const ns of namespaces) namespaceLabels[ns.metadata.name] = ns.metadata.labels ?? {};
  return {
    sidecarSets: new Map(sidecarSets.map((s) => [s.metadata.name, s])),
    revisionNumbers: new Map(revisions.map((r) => [r.metadata.name, r.revision])),
    revisionsByHash: revisionHashIndex(revisions),
    namespaceLabels,
  };
}

/**
 * `SidecarSetUpgradable` condition message: a JSON map SidecarSet → bool. `false` for S means the
 * controller found the pod not upgradable for S (it needs recreating).
 */
export function upgradableVerdicts(pod: Pod): Record<string, boolean> {
  const c = pod.status?.conditions?.find((x) => x.type === KRUISE.upgradableCondition);
  if (!c?.message) return {};
  try {
    const parsed: unknown = JSON.parse(c.message);
    if (!parsed || typeof parsed !== 'object') return {};
    const out: Record<string, boolean> = {};
    for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) if (typeof v === 'boolean') out[k] = v;
    return out;
  } catch {
    return {};
  }
}

/**
 * The first of S's sidecar containers failing on the pod (for a hot-upgrade sidecar, its working
 * twin), with the reason; undefined when none is.
 */
export function sidecarFailureOf(pod: Pod, ss: SidecarSet): { container: string; reason: string; message?: string } | undefined {
  const statuses = pod.status?.containerStatuses ?? [];
  for (const c of ss.spec.containers ?? []) {
    const podName = isHotUpgrade(c) ? workingHotUpgradeContainer(pod, c.name) : c.name;
    const f = containerFailure(statuses.find((s) => s.name === podName));
    if (f) return { container: c.name, ...f };
  }
  return undefined;
}

/** The reason a container is failing, from its waiting (or last terminated) state; undefined when fine. */
export function containerFailure(st: ContainerStatus | undefined): { reason: string; message?: string } | undefined {
  if (!st) return undefined;
  const waiting = st.state?.waiting;
  if (waiting?.reason && isFailingReason(waiting.reason)) {
    const out: { reason: string; message?: string } = { reason: waiting.reason };
    if (waiting.message) out.message = waiting.message;
    return out;
  }
  const term = st.state?.terminated;
  if (term && term.exitCode !== 0 && !st.ready) {
    return { reason: term.reason || `ExitCode:${term.exitCode}` };
  }
  return undefined;
}

/** Names of the SidecarSets that injected the pod: the injected-list, plus hash keys (older pods). */
export function injectingSidecarSets(pod: Pod): string[] {
  const names = new Set(injectedList(pod));
  for (const k of Object.keys(podSidecarSetHashes(pod))) names.add(k);
  return [...names].sort();
}

/**
 * One entry per (SidecarSet, logical sidecar container) injected into the pod, in SidecarSet name
 * order then the order of the hash entry's sidecarList (or of the SidecarSet's containers for
 * legacy `{"name":"hash"}` entries, which carry no list).
 */
export function podSidecars(pod: Pod, ctx: SidecarContext): PodSidecarState[] {
  const hashes = podSidecarSetHashes(pod);
  const working = workingHotUpgradeContainers(pod);
  const specByName = new Map(pod.spec.containers.map((c) => [c.name, c]));
  const statusByName = new Map((pod.status?.containerStatuses ?? []).map((s) => [s.name, s]));
  const initNames = new Set((pod.spec.initContainers ?? []).map((c) => c.name));
  const verdicts = upgradableVerdicts(pod);
  const out: PodSidecarState[] = [];

  for (const ssName of injectingSidecarSets(pod)) {
    const ss = ctx.sidecarSets.get(ssName);
    const entry = hashes[ssName];
    const ssContainers = new Map((ss?.spec.containers ?? []).map((c) => [c.name, c]));
    const ssInit = new Set((ss?.spec.initContainers ?? []).map((c) => c.name));
    let names = entry?.sidecarList;
    if (!names || names.length === 0) names = [...ssContainers.keys()];
    // Init containers ran once at creation and are never upgraded: not sidecars to track here,
    // except native sidecars, which keep running.
    names = names.filter((n) => !initNames.has(n) || (pod.spec.initContainers ?? []).some((c) => c.name === n && isNativeSidecar(c)));

    const updated = ss ? isUpdated(pod, ss) : false;
    const upgradable = ss ? isUpgradable(pod, ss) && verdicts[ssName] !== false : true;
    const revision = podRevision(entry, ssName, ctx);
    // Injected once, but the SidecarSet's selectors no longer pick the pod: Kruise ignores it now.
    const selected = !ss || selects(ss, pod, podNamespace(pod), ctx.namespaceLabels);

    for (const name of names) {
      const specC = ssContainers.get(name);
      const hot = specC ? isHotUpgrade(specC) : working[name] !== undefined;
      const podName = hot ? (working[name] ?? `${name}-1`) : name;
      const podC = specByName.get(podName) ?? (pod.spec.initContainers ?? []).find((c) => c.name === podName);
      const st = statusByName.get(podName) ?? (pod.status?.initContainerStatuses ?? []).find((s) => s.name === podName);
      const state: PodSidecarState = {
        sidecarSet: ssName,
        container: name,
        specImage: podC?.image ?? '',
        updated,
        upgradable,
        inFlight: false,
        ready: st?.ready === true,
        restarts: st?.restartCount ?? 0,
      };
      if (hot) state.workingContainer = podName;
      if (st?.image) state.statusImage = st.image;
      if (revision) {
        state.revision = revision;
        const n = ctx.revisionNumbers.get(revision);
        if (n !== undefined) state.revisionNumber = n;
      }
      if (ss && updated) {
        // Updated, but the runtime has not caught up with the spec image yet;
        // for hot upgrade also while the idle twin has not been reset to the empty image.
        // A container with no status yet is starting (a new pod), not being upgraded.
        const only = hot ? [podName] : [name];
        state.inFlight = st !== undefined && (!isConsistent(pod, ss, only) || (hot && !idleTwinsReset(pod, ss)));
      }
      const failure = containerFailure(st);
      if (failure) state.failed = failure;
      if (!ss) {
        state.orphaned = true;
        state.orphanReason = 'sidecarset-deleted';
      } else if (!specC && !ssInit.has(name)) {
        state.orphaned = true;
        state.orphanReason = 'container-removed';
      } else if (!selected) {
        state.orphaned = true;
        state.orphanReason = 'no-longer-selected';
      }
      out.push(state);
    }
  }
  return out;
}
