/**
 * The pod mutating webhook `mpod.kb.io` on pod CREATE (pkg/webhook/pod/mutating/sidecarset.go, sidecarset_resources.go): which SidecarSets a new
 * pod gets and in which version (injectionStrategy.revision), canary SidecarSets, and how the sidecars are built:
 * order by podInjectPolicy, IS_INJECTED, transferEnv, shareVolumePolicy, resourcesPolicy, hot
 * upgrade twins, volumes, imagePullSecrets, annotations and patchPodMetadata.
 */
import { mergePatch } from '@/lib/fleet/json-patch';
import { isNativeSidecar } from '@/lib/fleet/containers';
import { canaryBaseOf, isHotUpgrade, namespaceNameLabels, parseSidecarSetHashAnnotation, podNamespace } from '@/lib/fleet/kruise-pod';
import type {
  Container,
  EnvVar,
  LabelSelector,
  Pod,
  SidecarContainer,
  SidecarSet,
  SidecarSetSpec,
  VolumeMount,
} from '@/lib/fleet/k8s-types';
import { KRUISE } from '@/lib/fleet/k8s-types';
import {
  isEmptyLabelSelector,
  matchesLabelSelector,
  matchesRequirements,
  type Requirement,
  requirementsOf,
} from '@/lib/fleet/label-selector';
import type { AdmissionPlugin, KObject, StoreReader } from '../types';
import { sidecarSetSpecHash, sidecarSetSpecHashWithoutImage } from './hash';
import { formatCpu, formatMemory, parseQuantity } from '@/lib/fleet/quantity';
import { evalExpr, parseExpr } from './resources-expr';
import { findInjectionRevision, revisionSpec } from './revisions';
import { SIDECARSETS, webhookDenied } from './sidecarset-webhook';

export const POD_WEBHOOK = 'mpod.kb.io';
const KRUISE_FIELDS = [
  'podInjectPolicy',
  'upgradeStrategy',
  'shareVolumePolicy',
  'shareVolumeDevicePolicy',
  'transferEnv',
  'resourcesPolicy',
];

export interface InjectionOptions {
  /** Random source for `injectionStrategy.revision.policy: Partial`; seed it for determinism. */
  random?: () => number;
  now?: () => Date;
  kruiseNamespace?: string;
}

/** A small seedable PRNG (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function isInjected(c: Container): boolean {
  return (c.env ?? []).some((e) => e.name === 'IS_INJECTED');
}

/** The version of S a new pod gets (pkg/webhook/pod/mutating/sidecarset.go, injectionStrategy.revision). */
interface ChosenVersion {
  ss: SidecarSet;
  spec: SidecarSetSpec;
  hash: string;
  hashWithoutImage: string;
  controllerRevision?: string;
}

function chooseVersion(ss: SidecarSet, pod: Pod, store: StoreReader, opts: InjectionOptions): ChosenVersion {
  const latest: ChosenVersion = {
    ss,
    spec: ss.spec,
    hash: ss.metadata.annotations?.[KRUISE.sidecarSetHash] ?? sidecarSetSpecHash(ss.spec),
    hashWithoutImage: ss.metadata.annotations?.[KRUISE.sidecarSetHashWithoutImage] ?? sidecarSetSpecHashWithoutImage(ss.spec),
    controllerRevision: ss.status?.latestRevision || undefined,
  };
  const r = ss.spec.injectionStrategy?.revision;
  if (!r || (r.revisionName == null && r.customVersion == null)) return latest;
  const found = findInjectionRevision(store, ss, opts.kruiseNamespace);
  if (!found.revision) {
    // pod_create_update_handler.go answers the lookup's error as it is (admission.Errored).
    throw webhookDenied(POD_WEBHOOK, found.error ?? '');
  }
  const hspec = revisionSpec(found.revision);
  const historical: ChosenVersion = {
    ss,
    spec: hspec,
    hash: sidecarSetSpecHash(hspec),
    hashWithoutImage: sidecarSetSpecHashWithoutImage(hspec),
    controllerRevision: found.revision.metadata.name,
  };
  const us = ss.spec.updateStrategy ?? {};
  if (us.paused) return historical;
  if (r.policy !== 'Partial') return historical; // (quirk) Always ignores updateStrategy.selector
  if (us.selector && !matchesLabelSelector(us.selector, pod.metadata.labels ?? {})) return historical;
  if (typeof us.partition === 'string' && /^[0-9]+%$/.test(us.partition)) {
    const p = Number(us.partition.slice(0, -1)) / 100;
    return (opts.random ?? Math.random)() < p ? historical : latest;
  }
  return latest;
}

function stripKruiseFields(c: SidecarContainer): Container {
  const out = structuredClone(c) as Record<string, unknown>;
  for (const k of KRUISE_FIELDS) delete out[k];
  return out as Container;
}

/** MergeEnvVar: `a` then the entries of `b` whose names `a` lacks. */
function mergeEnv(a: EnvVar[], b: EnvVar[]): EnvVar[] {
  const names = new Set(a.map((e) => e.name));
  return [...a, ...b.filter((e) => !names.has(e.name))];
}

const fieldPathRe = /^metadata\.(labels|annotations)\['([^']*)'\]$/;

/**
 * GetSidecarTransferEnvs (pkg/control/sidecarcontrol/util.go): per transferEnv entry, the named
 * envs of its source container in sorted order (a set's List()); an entry whose fieldRef is not a
 * label or annotation subscript is skipped.
 */
function transferEnvs(c: SidecarContainer, pod: Pod, original: Container[]): EnvVar[] {
  const out: EnvVar[] = [];
  for (const t of c.transferEnv ?? []) {
    let source = t.sourceContainerName;
    const fp = t.sourceContainerNameFrom?.fieldRef?.fieldPath;
    if (t.sourceContainerNameFrom?.fieldRef) {
      const m = fieldPathRe.exec(fp ?? '');
      if (!m) continue;
      source = (m[1] === 'labels' ? pod.metadata.labels : pod.metadata.annotations)?.[m[2] as string] ?? '';
    }
    const src = original.find((x) => x.name === source);
    if (!src) continue;
    const wanted = [...new Set([...(t.envName ? [t.envName] : []), ...(t.envNames ?? [])])].sort();
    for (const name of wanted) {
      const e = (src.env ?? []).find((x) => x.name === name);
      if (e) out.push(structuredClone(e));
    }
  }
  return out;
}

/** shareVolumePolicy / shareVolumeDevicePolicy: the app containers' mounts (and subPathExpr envs). */
function sharedMounts(
  c: SidecarContainer,
  apps: Container[],
): { mounts: VolumeMount[]; devices: Array<{ name: string; devicePath: string }>; envs: EnvVar[] } {
  const mounts: VolumeMount[] = [];
  const devices: Array<{ name: string; devicePath: string }> = [];
  const envs: EnvVar[] = [];
  if (c.shareVolumePolicy?.type === 'enabled') {
    const paths = new Set((c.volumeMounts ?? []).map((m) => m.mountPath));
    for (const app of apps) {
      for (const m of app.volumeMounts ?? []) {
        if (paths.has(m.mountPath)) continue;
        paths.add(m.mountPath);
        mounts.push(structuredClone(m));
        const expr = m.subPathExpr ? /^\$\(([^)]+)\)$/.exec(m.subPathExpr) : null;
        if (expr) {
          const e = (app.env ?? []).find((x) => x.name === expr[1]);
          if (e && !envs.some((x) => x.name === e.name)) envs.push(structuredClone(e));
        }
      }
    }
  }
  if (c.shareVolumeDevicePolicy?.type === 'enabled') {
    const paths = new Set((c.volumeDevices ?? []).map((d) => d.devicePath));
    for (const app of apps) {
      for (const d of app.volumeDevices ?? []) {
        if (paths.has(d.devicePath)) continue;
        paths.add(d.devicePath);
        devices.push(structuredClone(d));
      }
    }
  }
  return { mounts, devices, envs };
}

type ResourceMap = { cpu?: number; memory?: number };

function quantityOf(res: unknown, kind: 'limits' | 'requests', name: 'cpu' | 'memory'): number | undefined {
  const v = (res as Record<string, Record<string, unknown> | undefined> | undefined)?.[kind]?.[name];
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return parseQuantity(v);
  return undefined;
}

/** resourcesPolicy: the sidecar's resources from the pod's target containers, once, at creation. */
function computeResources(
  c: SidecarContainer,
  pod: Pod,
  excluded: Set<string>,
  ssName: string,
): Record<string, Record<string, string>> | undefined {
  const rp = c.resourcesPolicy;
  if (!rp) return undefined;
  const re = new RegExp(rp.targetContainersNameRegex ?? '.*');
  const targets = [...pod.spec.containers, ...(pod.spec.initContainers ?? []).filter(isNativeSidecar)].filter(
    (x) => !excluded.has(x.name) && re.test(x.name),
  );
  if (targets.length === 0) {
    throw webhookDenied(
      POD_WEBHOOK,
      `sidecarSet ${ssName} container ${c.name}: no container in the pod matches targetContainersNameRegex ${JSON.stringify(rp.targetContainersNameRegex ?? '.*')}`,
    );
  }
  const agg = (kind: 'limits' | 'requests'): ResourceMap => {
    const out: ResourceMap = {};
    for (const name of ['cpu', 'memory'] as const) {
      const vals = targets.map((t) => quantityOf(t.resources, kind, name));
      // A limit missing on any target means unlimited; a missing request counts as 0.
      if (kind === 'limits' && vals.some((v) => v === undefined)) continue;
      const nums = vals.map((v) => v ?? 0);
      out[name] = rp.targetContainersMode === 'max' ? Math.max(...nums) : nums.reduce((a, b) => a + b, 0);
    }
    return out;
  };
  const result: Record<string, Record<string, string>> = {};
  for (const kind of ['limits', 'requests'] as const) {
    const base = agg(kind);
    for (const name of ['cpu', 'memory'] as const) {
      const src = rp.resourcesExpr?.[kind]?.[name];
      if (!src) continue;
      const v = base[name];
      if (kind === 'limits' && v === undefined) continue;
      const value = evalExpr(parseExpr(src, name), v ?? 0);
      result[kind] ??= {};
      (result[kind] as Record<string, string>)[name] = name === 'cpu' ? formatCpu(value) : formatMemory(value);
    }
  }
  return result;
}

function versionEnv(twin: string): EnvVar[] {
  return [
    {
      name: 'SIDECARSET_VERSION',
      valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: `metadata.annotations['${KRUISE.versionPrefix}${twin}']` } },
    },
    {
      name: 'SIDECARSET_VERSION_ALT',
      valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: `metadata.annotations['${KRUISE.versionAltPrefix}${twin}']` } },
    },
  ];
}

interface Built {
  before: Container[];
  after: Container[];
  init: Array<{ c: Container; policy: string }>;
  annotations: Record<string, string>;
  working: Record<string, string>;
}

/**
 * The sidecar's own env, then IS_INJECTED, then the transferred envs and the envs its shared mounts'
 * subPathExpr use, each name once (pkg/webhook/pod/mutating/sidecarset.go, buildSidecars), and its
 * mounts with the shared ones. For init containers and containers alike.
 */
function withInjectedEnvAndMounts(sc: SidecarContainer, pod: Pod, original: Container[], apps: Container[]): Container {
  const c = stripKruiseFields(sc);
  const shared = sharedMounts(sc, apps);
  const transfer = mergeEnv(transferEnvs(sc, pod, original), shared.envs);
  c.env = mergeEnv([...(c.env ?? []), { name: 'IS_INJECTED', value: 'true' }], transfer);
  if (shared.mounts.length > 0) c.volumeMounts = [...(c.volumeMounts ?? []), ...shared.mounts];
  if (shared.devices.length > 0) c.volumeDevices = [...(c.volumeDevices ?? []), ...shared.devices];
  return c;
}

function buildSidecars(v: ChosenVersion, pod: Pod, original: Container[], excluded: Set<string>, out: Built): void {
  const apps = original.filter((c) => !isInjected(c));
  const ssName = v.ss.metadata.name;
  for (const sc of v.spec.initContainers ?? []) {
    if ((pod.spec.initContainers ?? []).some((x) => x.name === sc.name)) continue;
    const c = withInjectedEnvAndMounts(sc, pod, original, apps);
    const res = isNativeSidecar(sc) ? computeResources(sc, pod, excluded, ssName) : undefined;
    if (res) c.resources = res;
    out.init.push({ c, policy: sc.podInjectPolicy ?? 'AfterAppContainer' });
  }
  for (const sc of v.spec.containers ?? []) {
    const c = withInjectedEnvAndMounts(sc, pod, original, apps);
    const res = computeResources(sc, pod, excluded, ssName);
    if (res) c.resources = res;
    const list = sc.podInjectPolicy === 'AfterAppContainer' ? out.after : out.before;
    if (isHotUpgrade(sc)) {
      const [t1, t2] = [`${sc.name}-1`, `${sc.name}-2`];
      list.push({ ...structuredClone(c), name: t1, env: [...(c.env ?? []), ...versionEnv(t1)] });
      list.push({
        ...structuredClone(c),
        name: t2,
        image: sc.upgradeStrategy?.hotUpgradeEmptyImage ?? '',
        env: [...(c.env ?? []), ...versionEnv(t2)],
      });
      out.annotations[`${KRUISE.versionPrefix}${t1}`] = '1';
      out.annotations[`${KRUISE.versionPrefix}${t2}`] = '0';
      out.annotations[`${KRUISE.versionAltPrefix}${t1}`] = '0';
      out.annotations[`${KRUISE.versionAltPrefix}${t2}`] = '1';
      out.working[sc.name] = t1;
    } else {
      list.push(c);
    }
  }
}

/** Applies patchPodMetadata entries to annotations (Retain, Overwrite, MergePatchJson). */
export function applyPatchPodMetadata(annotations: Record<string, string>, entries: SidecarSetSpec['patchPodMetadata']): void {
  for (const p of entries ?? []) {
    for (const [k, v] of Object.entries(p.annotations ?? {})) {
      const policy = p.patchPolicy ?? 'Retain';
      if (policy === 'Overwrite') annotations[k] = v;
      else if (policy === 'MergePatchJson') {
        const cur = annotations[k];
        if (cur === undefined) annotations[k] = v;
        else {
          try {
            annotations[k] = JSON.stringify(mergePatch(JSON.parse(cur), JSON.parse(v)));
          } catch {
            // A value that is not JSON is left alone, as Kruise logs and skips it.
          }
        }
      } else if (annotations[k] === undefined) annotations[k] = v;
    }
  }
}

/** Selectors of stored (frozen) SidecarSets, parsed once. */
const compiled = new WeakMap<object, Requirement[] | null>();

function selects(sel: LabelSelector, labels: Record<string, string>): boolean {
  if (!Object.isFrozen(sel)) return matchesLabelSelector(sel, labels);
  let reqs = compiled.get(sel);
  if (reqs === undefined) {
    try {
      reqs = requirementsOf(sel);
    } catch {
      reqs = null;
    }
    compiled.set(sel, reqs);
  }
  return reqs !== null && matchesRequirements(reqs, labels);
}

/**
 * Whether Kruise's SidecarSet index files `ss` under a namespace rather than cluster scope
 * (pkg/util/fieldindex/register.go, IndexSidecarSetV1Beta1): its namespaceSelector names
 * namespaces by `kubernetes.io/metadata.name`, in matchLabels or an `In` expression.
 */
function indexedByNamespace(ss: SidecarSet): boolean {
  const sel = ss.spec.namespaceSelector;
  if (!sel) return false;
  if (sel.matchLabels && Object.hasOwn(sel.matchLabels, 'kubernetes.io/metadata.name')) return true;
  return (sel.matchExpressions ?? []).some((e) => e.key === 'kubernetes.io/metadata.name' && e.operator === 'In');
}

/**
 * The SidecarSets a new pod gets: matching, not paused, canaries replacing their bases. Kruise lists
 * those filed under the pod's namespace, then the cluster-scoped ones
 * (pkg/webhook/pod/mutating/sidecarset.go); within each list its order is a Go map's, so any order
 * is faithful: by name here.
 */
export function sidecarSetsForPod(pod: Pod, nsLabels: Record<string, string>, all: SidecarSet[]): SidecarSet[] {
  const labels = pod.metadata.labels ?? {};
  const matched = all.filter(
    (ss) =>
      !ss.spec.injectionStrategy?.paused &&
      ss.spec.selector !== undefined &&
      !isEmptyLabelSelector(ss.spec.selector) &&
      selects(ss.spec.selector, labels) &&
      (!ss.spec.namespaceSelector || selects(ss.spec.namespaceSelector, nsLabels)),
  );
  const replacedBases = new Set(matched.map(canaryBaseOf).filter((b) => b !== undefined));
  const byName = (a: SidecarSet, b: SidecarSet) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0);
  const chosen = matched.filter((ss) => !replacedBases.has(ss.metadata.name));
  return [...chosen.filter(indexedByNamespace).sort(byName), ...chosen.filter((ss) => !indexedByNamespace(ss)).sort(byName)];
}

/** Injects into a (copied) pod. Returns undefined when nothing applies. */
export function injectPod(input: Pod, store: StoreReader, opts: InjectionOptions = {}): Pod | undefined {
  const ns = podNamespace(input);
  const nsObj = store.get('namespaces', undefined, ns);
  const nsLabels = nsObj?.metadata.labels ?? namespaceNameLabels(ns);
  // The webhook's namespaceSelector leaves out namespaces labelled control-plane.
  if (Object.hasOwn(nsLabels, 'control-plane')) return undefined;
  const sets = sidecarSetsForPod(input, nsLabels, store.list(SIDECARSETS) as unknown as SidecarSet[]);
  if (sets.length === 0) return undefined;

  const pod = structuredClone(input);
  const versions = sets.map((ss) => chooseVersion(ss, pod, store, opts));
  const original = pod.spec.containers;
  const excluded = new Set<string>();
  for (const v of versions) {
    for (const c of [...(v.spec.containers ?? []), ...(v.spec.initContainers ?? [])]) {
      excluded.add(c.name);
      if (isHotUpgrade(c)) {
        excluded.add(`${c.name}-1`);
        excluded.add(`${c.name}-2`);
      }
    }
  }
  const built: Built = { before: [], after: [], init: [], annotations: {}, working: {} };
  for (const v of versions) buildSidecars(v, pod, original, excluded, built);

  // Containers: a sidecar named like a pod container replaces it in place; else before/after the app.
  const containers = [...original];
  const before: Container[] = [];
  const after: Container[] = [];
  for (const c of built.before) {
    const i = containers.findIndex((x) => x.name === c.name);
    if (i >= 0) containers[i] = c;
    else before.push(c);
  }
  for (const c of built.after) {
    const i = containers.findIndex((x) => x.name === c.name);
    if (i >= 0) containers[i] = c;
    else after.push(c);
  }
  pod.spec.containers = [...before, ...containers, ...after];

  // Init containers: sorted by name, after the pod's own unless BeforeAppContainer.
  if (built.init.length > 0) {
    const init = [...built.init].sort((a, b) => (a.c.name < b.c.name ? -1 : a.c.name > b.c.name ? 1 : 0));
    pod.spec.initContainers = [
      ...init.filter((x) => x.policy === 'BeforeAppContainer').map((x) => x.c),
      ...(pod.spec.initContainers ?? []),
      ...init.filter((x) => x.policy !== 'BeforeAppContainer').map((x) => x.c),
    ];
  }

  // Volumes that some injected sidecar mounts; a pod volume of the same name wins.
  const used = new Set<string>();
  for (const c of [...built.before, ...built.after, ...built.init.map((x) => x.c)]) {
    for (const m of c.volumeMounts ?? []) used.add(m.name);
    for (const d of c.volumeDevices ?? []) used.add(d.name);
  }
  const volumes = [...(pod.spec.volumes ?? [])];
  for (const v of versions) {
    for (const vol of v.spec.volumes ?? []) {
      if (used.has(vol.name) && !volumes.some((x) => x.name === vol.name)) volumes.push(structuredClone(vol));
    }
  }
  if (volumes.length > 0) pod.spec.volumes = volumes;

  // imagePullSecrets, deduplicated by name.
  const secrets = [...(pod.spec.imagePullSecrets ?? [])];
  for (const v of versions) {
    for (const s of v.spec.imagePullSecrets ?? []) if (!secrets.some((x) => x.name === s.name)) secrets.push({ ...s });
  }
  if (secrets.length > 0) pod.spec.imagePullSecrets = secrets;

  // Annotations.
  const ann = { ...(pod.metadata.annotations ?? {}) };
  const now = rfc3339((opts.now ?? (() => new Date()))());
  const listed = new Set((ann[KRUISE.injectedList] ?? '').split(',').filter((s) => s !== ''));
  const hashes: Record<string, unknown> = { ...parseSidecarSetHashAnnotation(ann[KRUISE.sidecarSetHash]) };
  const withoutImage: Record<string, unknown> = { ...parseSidecarSetHashAnnotation(ann[KRUISE.sidecarSetHashWithoutImage]) };
  for (const v of versions) {
    const name = v.ss.metadata.name;
    listed.add(name);
    const sidecarList = [
      ...(v.spec.containers ?? []).map((c) => c.name),
      ...(v.spec.initContainers ?? []).filter(isNativeSidecar).map((c) => c.name),
    ];
    hashes[name] = {
      updateTimestamp: now,
      hash: v.hash,
      sidecarSetName: name,
      sidecarList,
      ...(v.controllerRevision ? { controllerRevision: v.controllerRevision } : {}),
    };
    withoutImage[name] = { updateTimestamp: now, hash: v.hashWithoutImage, sidecarSetName: name, sidecarList };
  }
  ann[KRUISE.injectedList] = [...listed].sort().join(',');
  ann[KRUISE.sidecarSetHash] = JSON.stringify(sortKeys(hashes));
  ann[KRUISE.sidecarSetHashWithoutImage] = JSON.stringify(sortKeys(withoutImage));
  if (Object.keys(built.working).length > 0) {
    const cur = ann[KRUISE.workingHotUpgradeContainer];
    let working: Record<string, string> = {};
    try {
      working = cur ? (JSON.parse(cur) as Record<string, string>) : {};
    } catch {
      working = {};
    }
    ann[KRUISE.workingHotUpgradeContainer] = JSON.stringify(sortKeys({ ...working, ...built.working }));
  }
  Object.assign(ann, built.annotations);
  for (const v of versions) applyPatchPodMetadata(ann, v.spec.patchPodMetadata);
  pod.metadata.annotations = ann;
  return pod;
}

/** Go's json.Marshal of a map: keys sorted. */
export function sortKeys<T>(m: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of Object.keys(m).sort()) out[k] = m[k] as T;
  return out;
}

export function podInjectionWebhook(opts: InjectionOptions = {}): AdmissionPlugin {
  return {
    name: 'kruise-pod-injection',
    resource: 'pods',
    operations: ['CREATE'],
    mutate(obj, _old, ctx) {
      if (ctx.subresource) return undefined;
      const out = injectPod(obj as unknown as Pod, ctx.store, opts);
      return out as unknown as KObject | undefined;
    },
  };
}
