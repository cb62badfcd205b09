/**
 * Per-pod SidecarSet predicates (pkg/control/sidecarcontrol/util.go, pkg/control/sidecarcontrol/sidecarset_control.go), on plain Pod and SidecarSet objects.
 * Pure: no I/O, no Node or Next imports. Shared by the rollout planner, the simulator's controller
 * and the dashboard.
 *
 * Vocabulary (S a SidecarSet, p a pod):
 * - matched: p is one Kruise counts (getMatchingPods in pkg/controller/sidecarset/sidecarset_processor.go): namespace and selector match, active, injected by S, has S's containers.
 * - updated: p's hash entry for S equals S's `kruise.io/sidecarset-hash`.
 * - upgradable: p's without-image hash entry for S equals S's (only images differ, so in place works).
 * - consistent: no sidecar of S has a changed spec image whose runtime imageID has not moved yet.
 * - ready (for S): Running, PodReady, not deleting, and every hot-upgrade idle twin runs the empty image.
 */
import { normalizedRepository } from './image-reference';
import { scaledOrZero } from './int-or-percent';
import { deepFreeze } from './json';
import { isPodActive, isPodReady } from './pod-readiness';
import { isEmptyLabelSelector, matchesLabelSelector } from './label-selector';
import type { IntOrString, Labels, Pod, SidecarContainer, SidecarSet } from './k8s-types';
import { KRUISE } from './k8s-types';

/** One entry of `kruise.io/sidecarset-hash` / `-hash-without-image` (new JSON form). */
export interface SidecarSetUpgradeSpec {
  updateTimestamp?: string;
  hash: string;
  sidecarSetName: string;
  sidecarList?: string[];
  controllerRevision?: string;
}

/** One entry of `kruise.io/sidecarset-inplace-update-state`. */
export interface SidecarSetInplaceState {
  revision?: string;
  updateTimestamp?: string;
  lastContainerStatuses: Record<string, { imageID: string }>;
}

/** The API server labels every namespace with its own name. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** The labels a namespace carries at the least: its name label. */
export function namespaceNameLabels(namespace: string): Record<string, string> {
  return { [NAMESPACE_NAME_LABEL]: namespace };
}

/**
 * Parsed annotation values, keyed by the annotation string (many pods share one, and a planner run
 * reads each several times). Results are frozen: copy before changing them.
 */
const parseCache = new Map<string, unknown>();
const PARSE_CACHE_MAX = 50_000;

function memo<T>(kind: string, value: string | undefined, compute: (v: string | undefined) => T): T {
  if (value === undefined) return compute(value);
  const key = `${kind}\u0000${value}`;
  const hit = parseCache.get(key);
  if (hit !== undefined) return hit as T;
  const out = deepFreeze(compute(value));
  if (parseCache.size >= PARSE_CACHE_MAX) parseCache.clear();
  parseCache.set(key, out);
  return out;
}

/**
 * Per frozen annotations object (the dashboard's cache and the simulator's store freeze what they
 * keep): no string hashing. A plain object per annotations object, not a Map: a Map costs about
 * 370 bytes even with one entry, and the cache can hold 150,000 annotation objects.
 */
const frozenCache = new WeakMap<object, Record<string, unknown>>();

function annotationMemo<T>(pod: Pod, key: string, kind: string, compute: (v: string | undefined) => T): T {
  const ann = pod.metadata.annotations;
  const value = ann?.[key];
  if (!ann || !Object.isFrozen(ann)) return memo(kind, value, compute);
  let m = frozenCache.get(ann);
  if (!m) {
    m = {};
    frozenCache.set(ann, m);
  }
  if (kind in m) return m[kind] as T;
  const out = memo(kind, value, compute);
  m[kind] = out;
  return out;
}

function parseJsonObject(value: string | undefined): Record<string, unknown> | undefined {
  if (value === undefined || value === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // A hand-edited, unparsable annotation reads as absent, like Kruise's failed unmarshal.
  }
  return undefined;
}

/**
 * Parses a `kruise.io/sidecarset-hash(-without-image)` value. Accepts the JSON form
 * (name → {hash, sidecarSetName, ...}) and the legacy form (name → "hash"), entry by entry.
 */
export function parseSidecarSetHashAnnotation(value: string | undefined): Readonly<Record<string, SidecarSetUpgradeSpec>> {
  return memo('hash', value, parseHashAnnotation);
}

function parseHashAnnotation(value: string | undefined): Record<string, SidecarSetUpgradeSpec> {
  const raw = parseJsonObject(value);
  const out: Record<string, SidecarSetUpgradeSpec> = {};
  if (!raw) return out;
  for (const [name, entry] of Object.entries(raw)) {
    if (typeof entry === 'string') {
      out[name] = { hash: entry, sidecarSetName: name };
    } else if (entry && typeof entry === 'object') {
      const e = entry as Record<string, unknown>;
      const spec: SidecarSetUpgradeSpec = {
        hash: typeof e.hash === 'string' ? e.hash : '',
        sidecarSetName: typeof e.sidecarSetName === 'string' ? e.sidecarSetName : name,
      };
      if (typeof e.updateTimestamp === 'string') spec.updateTimestamp = e.updateTimestamp;
      if (Array.isArray(e.sidecarList)) spec.sidecarList = e.sidecarList.filter((s): s is string => typeof s === 'string');
      if (typeof e.controllerRevision === 'string' && e.controllerRevision !== '') {
        spec.controllerRevision = e.controllerRevision;
      }
      out[name] = spec;
    }
  }
  return out;
}

export function podSidecarSetHashes(pod: Pod): Readonly<Record<string, SidecarSetUpgradeSpec>> {
  return annotationMemo(pod, KRUISE.sidecarSetHash, 'hash', parseHashAnnotation);
}

export function podSidecarSetHashesWithoutImage(pod: Pod): Readonly<Record<string, SidecarSetUpgradeSpec>> {
  return annotationMemo(pod, KRUISE.sidecarSetHashWithoutImage, 'hash-wi', parseHashAnnotation);
}

/** The hash of S the pod carries ('' when none). */
export function podHash(pod: Pod, sidecarSetName: string): string {
  return podSidecarSetHashes(pod)[sidecarSetName]?.hash ?? '';
}

/** The without-image hash of S the pod carries ('' when none). */
export function podHashWithoutImage(pod: Pod, sidecarSetName: string): string {
  return podSidecarSetHashesWithoutImage(pod)[sidecarSetName]?.hash ?? '';
}

/** The ControllerRevision name recorded for S on the pod, when any. */
export function podControllerRevision(pod: Pod, sidecarSetName: string): string | undefined {
  return podSidecarSetHashes(pod)[sidecarSetName]?.controllerRevision;
}

/** SidecarSets named by `kruise.io/sidecarset-injected-list`. */
export function injectedList(pod: Pod): readonly string[] {
  const v = pod.metadata.annotations?.[KRUISE.injectedList];
  if (!v) return [];
  return annotationMemo(pod, KRUISE.injectedList, 'list', (x) =>
    (x ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  );
}

export function parseInplaceUpdateState(pod: Pod): Readonly<Record<string, SidecarSetInplaceState>> {
  return annotationMemo(pod, KRUISE.inplaceUpdateState, 'state', parseInplaceState);
}

function parseInplaceState(value: string | undefined): Record<string, SidecarSetInplaceState> {
  const raw = parseJsonObject(value);
  const out: Record<string, SidecarSetInplaceState> = {};
  if (!raw) return out;
  for (const [name, entry] of Object.entries(raw)) {
    if (!entry || typeof entry !== 'object') continue;
    const e = entry as Record<string, unknown>;
    const last: Record<string, { imageID: string }> = {};
    const lcs = e.lastContainerStatuses;
    if (lcs && typeof lcs === 'object') {
      for (const [c, s] of Object.entries(lcs as Record<string, unknown>)) {
        const imageID = s && typeof s === 'object' ? (s as Record<string, unknown>).imageID : undefined;
        last[c] = { imageID: typeof imageID === 'string' ? imageID : '' };
      }
    }
    const state: SidecarSetInplaceState = { lastContainerStatuses: last };
    if (typeof e.revision === 'string') state.revision = e.revision;
    if (typeof e.updateTimestamp === 'string') state.updateTimestamp = e.updateTimestamp;
    out[name] = state;
  }
  return out;
}

/** `kruise.io/sidecarset-working-hotupgrade-container`: logical name → running twin. */
export function workingHotUpgradeContainers(pod: Pod): Readonly<Record<string, string>> {
  return annotationMemo(pod, KRUISE.workingHotUpgradeContainer, 'working', parseWorking);
}

function parseWorking(value: string | undefined): Record<string, string> {
  const raw = parseJsonObject(value);
  const out: Record<string, string> = {};
  if (!raw) return out;
  for (const [k, v] of Object.entries(raw)) if (typeof v === 'string') out[k] = v;
  return out;
}

/** The running twin of a hot sidecar; `<name>-1` when the pod does not say (as injected). */
export function workingHotUpgradeContainer(pod: Pod, logicalName: string): string {
  return workingHotUpgradeContainers(pod)[logicalName] ?? `${logicalName}-1`;
}

/** The idle twin of a hot sidecar: the one that is not working. */
export function idleHotUpgradeContainer(pod: Pod, logicalName: string): string {
  const working = workingHotUpgradeContainer(pod, logicalName);
  return working === `${logicalName}-2` ? `${logicalName}-1` : `${logicalName}-2`;
}

export function hotUpgradeTwins(logicalName: string): [string, string] {
  return [`${logicalName}-1`, `${logicalName}-2`];
}

export function isHotUpgrade(c: Pick<SidecarContainer, 'upgradeStrategy'>): boolean {
  return c.upgradeStrategy?.upgradeType === 'HotUpgrade';
}

export function upgradeTypeOf(c: Pick<SidecarContainer, 'upgradeStrategy'>): 'ColdUpgrade' | 'HotUpgrade' {
  return isHotUpgrade(c) ? 'HotUpgrade' : 'ColdUpgrade';
}

/**
 * The base SidecarSet a canary SidecarSet stands in for (annotations `apps.kruise.io/sidecarset-canary:
 * "true"` and a non-empty `apps.kruise.io/sidecarset-base`); undefined for any other SidecarSet.
 */
export function canaryBaseOf(ss: SidecarSet): string | undefined {
  const a = ss.metadata.annotations ?? {};
  return a[KRUISE.canary] === 'true' && a[KRUISE.canaryBase] ? a[KRUISE.canaryBase] : undefined;
}

export function sidecarSetHash(ss: SidecarSet): string {
  return ss.metadata.annotations?.[KRUISE.sidecarSetHash] ?? '';
}

export function sidecarSetHashWithoutImage(ss: SidecarSet): string {
  return ss.metadata.annotations?.[KRUISE.sidecarSetHashWithoutImage] ?? '';
}

/** Pod container names of S's `spec.containers`: the name for cold ones, `-1` and `-2` for hot ones. */
const namesCache = new WeakMap<object, string[]>();

export function sidecarContainerNames(ss: SidecarSet): string[] {
  const cs = ss.spec.containers;
  if (cs && Object.isFrozen(cs)) {
    const hit = namesCache.get(cs);
    if (hit) return hit;
    const out = computeSidecarContainerNames(ss);
    namesCache.set(cs, out);
    return out;
  }
  return computeSidecarContainerNames(ss);
}

function computeSidecarContainerNames(ss: SidecarSet): string[] {
  const names: string[] = [];
  for (const c of ss.spec.containers ?? []) {
    if (isHotUpgrade(c)) names.push(...hotUpgradeTwins(c.name));
    else names.push(c.name);
  }
  return names;
}

/** A pod with no namespace counts as `default` (as Kruise's namespace matching reads it). */
export function podNamespace(pod: Pod): string {
  return pod.metadata.namespace || 'default';
}

/**
 * Does the SidecarSet's namespaceSelector admit the namespace? `namespaceLabels` holds the labels
 * of the Namespace objects; a namespace missing from it carries only its name label (the API server
 * sets `kubernetes.io/metadata.name` on every namespace).
 */
export function matchesNamespace(ss: SidecarSet, namespace: string, namespaceLabels: Record<string, Record<string, string>>): boolean {
  const sel = ss.spec.namespaceSelector;
  if (!sel) return true;
  const labels = namespaceLabels[namespace] ?? namespaceNameLabels(namespace);
  return matchesLabelSelector(sel, labels);
}

/** `spec.selector` matches the labels; an empty or missing selector matches nothing (Kruise's matcher). */
export function matchesSidecarSetSelector(ss: SidecarSet, labels: Labels | undefined): boolean {
  if (isEmptyLabelSelector(ss.spec.selector)) return false;
  return matchesLabelSelector(ss.spec.selector, labels ?? {});
}

/** Every `spec.containers[]` of S is in the pod: by name, or both twins plus a working entry for hot ones. */
export function hasSidecarContainers(pod: Pod, ss: SidecarSet): boolean {
  const containers = pod.spec.containers;
  const has = (n: string) => containers.some((c) => c.name === n);
  for (const c of ss.spec.containers ?? []) {
    if (isHotUpgrade(c)) {
      if (!has(`${c.name}-1`) || !has(`${c.name}-2`) || workingHotUpgradeContainers(pod)[c.name] === undefined) return false;
    } else if (!has(c.name)) {
      return false;
    }
  }
  return true;
}

/** The pods S counts and may upgrade (Processor.getMatchingPods, pkg/controller/sidecarset/sidecarset_processor.go). */
export function isMatched(pod: Pod, ss: SidecarSet, namespaceLabels: Record<string, Record<string, string>>): boolean {
  return matchesNamespace(ss, podNamespace(pod), namespaceLabels) && isMatchedInNamespace(pod, ss);
}

/** isMatched less the namespace test (which depends on the Namespace objects, not the pod). */
export function isMatchedInNamespace(pod: Pod, ss: SidecarSet): boolean {
  return (
    matchesSidecarSetSelector(ss, pod.metadata.labels) &&
    isPodActive(pod) &&
    injectedList(pod).includes(ss.metadata.name) &&
    hasSidecarContainers(pod, ss)
  );
}

/** updated(p): the pod's hash for S equals S's current hash. */
export function isUpdated(pod: Pod, ss: SidecarSet): boolean {
  const want = sidecarSetHash(ss);
  return podHash(pod, ss.metadata.name) === want;
}

/**
 * upgradable: the pod's without-image hash for S equals S's, so only images differ and an in-place
 * upgrade can bring it up to date. A pod with no entry is not upgradable.
 */
export function isUpgradable(pod: Pod, ss: SidecarSet): boolean {
  return podHashWithoutImage(pod, ss.metadata.name) === sidecarSetHashWithoutImage(ss);
}

function splitDigest(ref: string): { repo: string; digest: string } | undefined {
  const at = ref.indexOf('@');
  if (at < 0) return undefined;
  const digest = ref.slice(at + 1);
  if (!/^[a-z0-9]+:[a-f0-9]+$/i.test(digest)) return undefined;
  return { repo: normalizedRepository(ref.slice(0, at)), digest };
}

/**
 * IsPodStateConsistent (pkg/control/sidecarcontrol/sidecarset_control.go), over S's sidecar containers (or the subset `only` names, which the
 * hot-upgrade reset uses to leave the idle twins out).
 */
export function isConsistent(pod: Pod, ss: SidecarSet, only?: readonly string[]): boolean {
  const statuses = pod.status?.containerStatuses ?? [];
  const containers = pod.spec.containers;
  if (containers.length !== statuses.length) return false;
  const names = only ?? sidecarContainerNames(ss);
  const present: Array<[string, string]> = [];
  let allDigest = true;
  for (const n of names) {
    const c = containers.find((x) => x.name === n);
    if (!c) continue;
    const image = c.image ?? '';
    present.push([n, image]);
    if (allDigest && !image.includes('@')) allDigest = false;
  }

  // All sidecars pinned by digest: compare the runtime imageID's repo and digest directly.
  if (present.length > 0 && allDigest) {
    return present.every(([n, image]) => {
      const st = statuses.find((x) => x.name === n);
      if (!st) return false;
      const want = splitDigest(image);
      const got = splitDigest(st.imageID.replace(/^[a-z0-9-]+:\/\//i, ''));
      return want !== undefined && got !== undefined && got.repo === want.repo && got.digest === want.digest;
    });
  }

  const state = parseInplaceUpdateState(pod)[ss.metadata.name];
  if (!state) return true;
  for (const [n, image] of present) {
    const last = state.lastContainerStatuses[n];
    if (!last) continue;
    const st = statuses.find((x) => x.name === n);
    if (st && last.imageID === st.imageID && image !== st.image) return false;
  }
  return true;
}

/** True when every hot sidecar's idle twin already runs `hotUpgradeEmptyImage`. */
export function idleTwinsReset(pod: Pod, ss: SidecarSet): boolean {
  for (const c of ss.spec.containers ?? []) {
    if (!isHotUpgrade(c)) continue;
    const idle = idleHotUpgradeContainer(pod, c.name);
    const image = pod.spec.containers.find((x) => x.name === idle)?.image;
    if (image !== (c.upgradeStrategy?.hotUpgradeEmptyImage ?? '')) return false;
  }
  return true;
}

/**
 * Kruise's IsPodReady for SidecarSets (pkg/control/sidecarcontrol/sidecarset_control.go): Running, PodReady True, not deleting, and every hot-upgrade idle twin
 * already reset to the empty image. It does not include consistency: `isCountedReady` does.
 */
export function isReadyForSidecarSet(pod: Pod, ss: SidecarSet): boolean {
  return pod.status?.phase === 'Running' && isPodReady(pod) && !pod.metadata.deletionTimestamp && idleTwinsReset(pod, ss);
}

/** Counted in `readyPods`: consistent ∧ ready (calculateStatus in pkg/controller/sidecarset/sidecarset_processor.go). */
export function isCountedReady(pod: Pod, ss: SidecarSet): boolean {
  return isConsistent(pod, ss) && isReadyForSidecarSet(pod, ss);
}

/**
 * In flight for candidate selection (pkg/controller/sidecarset/sidecarset_strategy.go SortNextUpgradePods): some sidecar container of S is Ready while the pod is
 * not consistent, so an earlier in-place change has not landed yet.
 */
export function isInFlight(pod: Pod, ss: SidecarSet): boolean {
  const statuses = pod.status?.containerStatuses ?? [];
  const anyReady = sidecarContainerNames(ss).some((n) => statuses.some((s) => s.name === n && s.ready));
  return anyReady && !isConsistent(pod, ss);
}

/**
 * How many matched pods the partition keeps on the old version (pkg/util/tools.go
 * CalculatePartitionReplicas): scaled with rounding up; a percent other than "100%" that would keep
 * every pod keeps all but one when there is more than one; clamped to [0, matched].
 */
export function partitionReplicas(partition: IntOrString | undefined | null, matched: number): number {
  if (partition === undefined || partition === null) return 0;
  let p = scaledOrZero(partition, matched, true);
  if (matched > 1 && p === matched && typeof partition === 'string' && partition !== '100%') p = matched - 1;
  return Math.max(Math.min(p, matched), 0);
}

/**
 * maxUnavailable scaled over matched pods, rounded up; unset means 1
 * (pkg/controller/sidecarset/sidecarset_strategy.go calculateUpgradeCount).
 */
export function maxUnavailableReplicas(maxUnavailable: IntOrString | undefined | null, matched: number): number {
  return scaledOrZero(maxUnavailable ?? 1, matched, true);
}
