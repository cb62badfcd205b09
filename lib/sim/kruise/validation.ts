/**
 * The SidecarSet validating webhook `vsidecarset.kb.io` (pkg/webhook/sidecarset/validating/sidecarset_create_update_handler.go), rule by rule in Kruise's
 * order. Rules 1–11 collect field errors; rule 12 (conflicts with other SidecarSets) runs only when
 * they pass. The caller turns the aggregate into an HTTP 500 with the webhook prefix.
 */
import type { LabelSelector, SidecarContainer, SidecarSet } from '@/lib/fleet/k8s-types';
import { KRUISE } from '@/lib/fleet/k8s-types';
import { matchesLabelSelector } from '@/lib/fleet/label-selector';
import { isNativeSidecar } from '@/lib/fleet/containers';
import { canonicalJson } from '@/lib/fleet/json';
import { canaryBaseOf } from '@/lib/fleet/kruise-pod';
import { validateSidecarSetSelector, validateSidecarSetUpdateStrategy } from '@/lib/fleet/sidecarset-validation';
import type { StoreReader } from '../types';
import { volumeSources } from './defaults';
import {
  duplicate,
  dumpStringMap,
  type FieldError,
  forbidden,
  goDump,
  invalid,
  isDns1123Label,
  isEnvVarName,
  isQualifiedName,
  isValidPortName,
  notFound,
  notSupported,
  required,
} from '@/lib/fleet/field-errors';
import { parseQuantity } from '@/lib/fleet/quantity';
import { ExprError, parseExpr } from './resources-expr';
import { findInjectionRevision } from './revisions';

type Json = Record<string, unknown>;

export interface ValidationOptions {
  /** Feature gate SidecarSetPatchPodMetadataDefaultsAllowed (Alpha, off by default). */
  patchPodMetadataDefaultsAllowed?: boolean;
  /** `SidecarSet_PatchPodMetadata_WhiteList` of ConfigMap kruise-system/kruise-configuration. */
  patchPodMetadataWhitelist?: { rules: Array<{ selector?: LabelSelector; allowedAnnotationKeyExprs: string[] }> };
  kruiseNamespace?: string;
}

const SS_RESOURCE = 'apps.kruise.io/sidecarsets';
const NAME_FMT = '^[a-zA-Z0-9\\-]+$';
const nameRe = /^[a-zA-Z0-9-]+$/;

// ---- containers and volumes (the fake pod) ----------------------------------------------------

const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const TERMINATION_POLICIES = ['File', 'FallbackToLogsOnError'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

function validateResources(res: unknown, path: string): FieldError[] {
  if (!res || typeof res !== 'object') return [];
  const errs: FieldError[] = [];
  const r = res as { limits?: Record<string, unknown>; requests?: Record<string, unknown> };
  const parsed: Record<'limits' | 'requests', Record<string, number>> = { limits: {}, requests: {} };
  for (const kind of ['limits', 'requests'] as const) {
    for (const [name, q] of Object.entries(r[kind] ?? {})) {
      const v = typeof q === 'number' ? q : typeof q === 'string' ? parseQuantity(q) : undefined;
      if (v === undefined) errs.push(invalid(`${path}.${kind}[${name}]`, q, 'must be a valid quantity'));
      else if (v < 0) errs.push(invalid(`${path}.${kind}[${name}]`, q, 'must be greater than or equal to 0'));
      else parsed[kind][name] = v;
    }
  }
  for (const [name, req] of Object.entries(parsed.requests)) {
    const lim = parsed.limits[name];
    if (lim !== undefined && req > lim) {
      errs.push(
        invalid(
          `${path}.requests`,
          String(r.requests?.[name]),
          `must be less than or equal to ${name} limit of ${String(r.limits?.[name])}`,
        ),
      );
    }
  }
  return errs;
}

function validateContainer(c: Json, path: string, volumeNames: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  const name = typeof c.name === 'string' ? c.name : '';
  if (name === '') errs.push(required(`${path}.name`));
  else for (const m of isDns1123Label(name)) errs.push(invalid(`${path}.name`, name, m));
  if (typeof c.image !== 'string' || c.image.trim() === '') errs.push(required(`${path}.image`));
  if (c.imagePullPolicy !== undefined && !PULL_POLICIES.includes(c.imagePullPolicy as string)) {
    errs.push(notSupported(`${path}.imagePullPolicy`, c.imagePullPolicy, PULL_POLICIES));
  }
  if (c.terminationMessagePolicy !== undefined && !TERMINATION_POLICIES.includes(c.terminationMessagePolicy as string)) {
    errs.push(notSupported(`${path}.terminationMessagePolicy`, c.terminationMessagePolicy, TERMINATION_POLICIES));
  }
  const portNames = new Set<string>();
  (Array.isArray(c.ports) ? (c.ports as Json[]) : []).forEach((p, i) => {
    const pp = `${path}.ports[${i}]`;
    const port = p.containerPort;
    if (typeof port !== 'number' || port < 1 || port > 65535) {
      errs.push(invalid(`${pp}.containerPort`, port ?? 0, 'must be between 1 and 65535, inclusive'));
    }
    if (p.protocol !== undefined && !PROTOCOLS.includes(p.protocol as string)) {
      errs.push(notSupported(`${pp}.protocol`, p.protocol, PROTOCOLS));
    }
    if (typeof p.name === 'string' && p.name !== '') {
      for (const m of isValidPortName(p.name)) errs.push(invalid(`${pp}.name`, p.name, m));
      if (portNames.has(p.name)) errs.push(duplicate(`${pp}.name`, p.name));
      portNames.add(p.name);
    }
  });
  (Array.isArray(c.env) ? (c.env as Json[]) : []).forEach((e, i) => {
    const ep = `${path}.env[${i}]`;
    if (typeof e.name !== 'string' || e.name === '') errs.push(required(`${ep}.name`));
    else for (const m of isEnvVarName(e.name)) errs.push(invalid(`${ep}.name`, e.name, m));
  });
  const mountPaths = new Set<string>();
  (Array.isArray(c.volumeMounts) ? (c.volumeMounts as Json[]) : []).forEach((m, i) => {
    const mp = `${path}.volumeMounts[${i}]`;
    if (typeof m.name !== 'string' || m.name === '') errs.push(required(`${mp}.name`));
    else if (!volumeNames.has(m.name)) errs.push(notFound(`${mp}.name`, m.name));
    if (typeof m.mountPath !== 'string' || m.mountPath === '') errs.push(required(`${mp}.mountPath`));
    else {
      if (mountPaths.has(m.mountPath)) errs.push(invalid(`${mp}.mountPath`, m.mountPath, 'must be unique'));
      mountPaths.add(m.mountPath);
    }
  });
  (Array.isArray(c.volumeDevices) ? (c.volumeDevices as Json[]) : []).forEach((d, i) => {
    const dp = `${path}.volumeDevices[${i}]`;
    if (typeof d.name !== 'string' || d.name === '') errs.push(required(`${dp}.name`));
    else if (!volumeNames.has(d.name)) errs.push(notFound(`${dp}.name`, d.name));
    if (typeof d.devicePath !== 'string' || d.devicePath === '') errs.push(required(`${dp}.devicePath`));
  });
  errs.push(...validateResources(c.resources, `${path}.resources`));
  return errs;
}

function validateVolumes(volumes: Json[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  volumes.forEach((v, i) => {
    const vp = `${path}[${i}]`;
    const name = typeof v.name === 'string' ? v.name : '';
    if (name === '') errs.push(required(`${vp}.name`));
    else {
      for (const m of isDns1123Label(name)) errs.push(invalid(`${vp}.name`, name, m));
      if (names.has(name)) errs.push(duplicate(`${vp}.name`, name));
      names.add(name);
    }
    const sources = volumeSources(v);
    if (sources.length === 0) errs.push(required(vp, 'must specify a volume type'));
    for (const extra of sources.slice(1)) errs.push(forbidden(`${vp}.${extra}`, 'may not specify more than 1 volume type'));
  });
  return errs;
}

/** `ValidatePodCreate` on a fake pod of the SidecarSet's init containers, containers and volumes. */
function validateFakePod(ss: SidecarSet): FieldError[] {
  const errs: FieldError[] = [];
  const volumes = (ss.spec.volumes ?? []) as Json[];
  errs.push(...validateVolumes(volumes, 'spec.volumes'));
  const volumeNames = new Set(volumes.map((v) => v.name as string));
  const seen = new Set<string>();
  const check = (cs: SidecarContainer[] | undefined, kind: 'initContainers' | 'containers') => {
    (cs ?? []).forEach((c, i) => {
      const p = `spec.${kind}[${i}]`;
      errs.push(...validateContainer(c as Json, p, volumeNames));
      if (c.name) {
        if (seen.has(c.name)) errs.push(duplicate(`${p}.name`, c.name));
        seen.add(c.name);
      }
    });
  };
  check(ss.spec.initContainers, 'initContainers');
  check(ss.spec.containers, 'containers');
  return errs;
}

// ---- Kruise-specific container fields ---------------------------------------------------------

const fieldPathRe = /^metadata\.(labels|annotations)\['([^']*)'\]$/;

function validateResourcesPolicy(c: SidecarContainer, path: string): FieldError[] {
  const rp = c.resourcesPolicy;
  if (!rp) return [];
  const errs: FieldError[] = [];
  const p = `${path}.resourcesPolicy`;
  const res = c.resources as { limits?: object; requests?: object } | undefined;
  if (res && (Object.keys(res.limits ?? {}).length > 0 || Object.keys(res.requests ?? {}).length > 0)) {
    errs.push(invalid(p, goDump(rp), 'resourcesPolicy and resources cannot be configured together'));
  }
  const regex = rp.targetContainersNameRegex ?? '.*';
  if (regex === '') errs.push(required(`${p}.targetContainersNameRegex`, 'invalid empty regex'));
  else {
    try {
      new RegExp(regex);
    } catch (e) {
      errs.push(invalid(`${p}.targetContainersNameRegex`, regex, `invalid regex pattern: ${(e as Error).message}`));
    }
  }
  const expr = rp.resourcesExpr ?? {};
  const hasAny = [expr.limits?.cpu, expr.limits?.memory, expr.requests?.cpu, expr.requests?.memory].some(
    (x) => x !== undefined && x !== '',
  );
  if (!hasAny) errs.push(invalid(`${p}.resourcesExpr`, goDump(expr), 'at least one of limits or requests must be configured'));
  for (const kind of ['limits', 'requests'] as const) {
    for (const res2 of ['cpu', 'memory'] as const) {
      const src = expr[kind]?.[res2];
      if (src === undefined || src === '') continue;
      try {
        parseExpr(src, res2);
      } catch (e) {
        if (!(e instanceof ExprError)) throw e;
        errs.push(invalid(`${p}.resourcesExpr.${kind}.${res2}`, src, `invalid expression: ${e.message}`));
      }
    }
  }
  return errs;
}

function validateSidecarFields(c: SidecarContainer, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (c.podInjectPolicy !== 'BeforeAppContainer' && c.podInjectPolicy !== 'AfterAppContainer') {
    errs.push(invalid('spec.container.podInjectPolicy', c.podInjectPolicy ?? '', 'unsupported pod inject policy'));
  }
  const svp = c.shareVolumePolicy?.type;
  if (svp !== 'enabled' && svp !== 'disabled') {
    errs.push(invalid('spec.container.shareVolumePolicy', svp ?? '', 'unsupported share volume policy'));
  }
  (c.transferEnv ?? []).forEach((t, i) => {
    const ref = t.sourceContainerNameFrom?.fieldRef;
    if (!t.sourceContainerNameFrom) return;
    const p = `${path}.transferEnv[${i}].sourceContainerNameFrom.fieldRef`;
    if (!ref) {
      errs.push(required(p, ''));
      return;
    }
    if (!ref.apiVersion) errs.push(required(`${p}.apiVersion`));
    else if (ref.apiVersion !== 'v1') {
      errs.push(invalid(`${p}.apiVersion`, ref.apiVersion, 'only supports v1'));
    }
    if (!ref.fieldPath) {
      errs.push(required(`${p}.fieldPath`));
      return;
    }
    const m = fieldPathRe.exec(ref.fieldPath);
    const keyErrs = m ? isQualifiedName(m[2] ?? '') : [];
    if (!m || keyErrs.length > 0) {
      const why = !m ? `field label not supported: ${ref.fieldPath}` : `invalid key ${JSON.stringify(m[2])}: ${keyErrs.join(', ')}`;
      errs.push(invalid(`${p}.fieldPath`, ref.fieldPath, `error converting fieldPath: ${why}`));
    }
  });
  errs.push(...validateResourcesPolicy(c, path));
  return errs;
}

// ---- patchPodMetadata -----------------------------------------------------------------------------

function validatePatchPodMetadata(ss: SidecarSet, opts: ValidationOptions): FieldError[] {
  const entries = ss.spec.patchPodMetadata ?? [];
  if (entries.length === 0) return [];
  const errs: FieldError[] = [];
  const path = 'spec.patchPodMetadata';
  if (!opts.patchPodMetadataDefaultsAllowed) {
    const wl = opts.patchPodMetadataWhitelist;
    if (!wl) {
      errs.push(required(path, 'SidecarSet patch metadata whitelist not found'));
    } else {
      const rules = wl.rules.filter((r) => !r.selector || matchesLabelSelector(r.selector, ss.metadata.labels ?? {}));
      for (const e of entries) {
        for (const key of Object.keys(e.annotations ?? {})) {
          if (rules.length === 0) {
            errs.push(required(path, 'annotation is not allowed'));
            continue;
          }
          const ok = rules.some((r) => r.allowedAnnotationKeyExprs.some((x) => new RegExp(x).test(key)));
          if (!ok) errs.push(required(path, `annotation(${key}) is not allowed`));
        }
      }
    }
  }
  const seen = new Set<string>();
  for (const e of entries) {
    const ann = e.annotations ?? {};
    if (Object.keys(ann).length === 0) errs.push(required(path, 'no annotations defined for SidecarSet'));
    if (!e.patchPolicy) errs.push(required(path, 'no patchPolicy defined for patchPodMetadata'));
    for (const k of Object.keys(ann)) {
      for (const m of isQualifiedName(k)) errs.push(invalid(`${path}.annotations`, k, m));
      if (seen.has(k)) errs.push(required(path, `patch annotation[${k}] already exist`));
      seen.add(k);
    }
  }
  return errs;
}

// ---- the whole thing ----------------------------------------------------------------------------

/** Rules 1–11. `old` is set on UPDATE. */
export function validateSidecarSet(
  ss: SidecarSet,
  old: SidecarSet | undefined,
  store: StoreReader,
  opts: ValidationOptions = {},
): FieldError[] {
  const errs: FieldError[] = [];
  const spec = ss.spec;
  const name = ss.metadata.name;

  // 1. Name.
  if (!nameRe.test(name)) {
    errs.push(
      invalid(
        'metadata.name',
        name,
        `sidecarset name must consist of alphanumeric characters or '-' (e.g. 'example-com', regex used for validation is '${NAME_FMT}')`,
      ),
    );
  }
  if (name.length > 63) errs.push(invalid('metadata.name', name, 'must be no more than 63 characters'));

  // 2. Canary (validateSidecarSetCanaryAnnotations): every error shows the whole annotations map,
  // the hash annotations the mutating webhook just wrote included.
  const base = canaryBaseOf(ss);
  if (base !== undefined) {
    const annotations = dumpStringMap(ss.metadata.annotations);
    const canaryError = (detail: string): FieldError => ({ path: 'metadata', type: 'Invalid', rendered: annotations, detail });
    if (base === name) errs.push(canaryError('base sidecarSet cannot be itself'));
    if (old && (old.metadata.annotations?.[KRUISE.canaryBase] ?? '') !== base) {
      errs.push(canaryError(`annotations[${KRUISE.canaryBase}] is immutable`));
    }
    const b = store.get(SS_RESOURCE, undefined, base) as SidecarSet | undefined;
    // Kruise reads through controller-runtime's cache, whose NotFound names the kind.
    if (!b) errs.push(canaryError(`fetch base sidecarSet[${base}] failed: SidecarSet.apps.kruise.io "${base}" not found`));
    else if (canaryBaseOf(b) !== undefined) errs.push(canaryError('base sidecarSet cannot be canary'));
    if (spec.updateStrategy?.type !== 'NotUpdate') errs.push(canaryError('RollingUpdate is not supported for canary sidecarSet'));
  }

  // 3. Native sidecar init containers cannot be rolled.
  if (spec.updateStrategy?.type === 'RollingUpdate') {
    for (const c of spec.initContainers ?? []) {
      if (isNativeSidecar(c)) errs.push(required('spec.updateStrategy', 'The initContainer in-place upgrade is not currently supported.'));
    }
  }

  // 4. selector.
  if (!spec.selector) errs.push(required('spec.selector', 'no selector defined for SidecarSet'));
  else errs.push(...validateSidecarSetSelector(spec.selector, 'spec.selector'));

  // 5. namespaceSelector.
  if (spec.namespaceSelector) errs.push(...validateSidecarSetSelector(spec.namespaceSelector, 'spec.namespaceSelector'));

  // 6. injectionStrategy.revision.
  const rev = spec.injectionStrategy?.revision;
  if (rev) {
    if (rev.revisionName == null && rev.customVersion == null) {
      errs.push({
        path: 'revision',
        type: 'Invalid',
        rendered: goDump(rev),
        detail: 'revisionName and customVersion cannot be empty simultaneously',
      });
    } else {
      const found = findInjectionRevision(store, ss, opts.kruiseNamespace);
      if (!found.revision) {
        // The bad value is the restored SidecarSet, nil when the revision is missing.
        errs.push({
          path: 'revision',
          type: 'Invalid',
          value: null,
          detail: `Cannot find specific ControllerRevision, err: ${found.error}`,
        });
      }
    }
    if (rev.policy !== undefined && rev.policy !== '' && rev.policy !== 'Always' && rev.policy !== 'Partial') {
      errs.push(invalid('revision.policy', rev.policy, `Invalid policy ${rev.policy}, supported: [Always, Partial]`));
    }
  }

  // 7. updateStrategy (RollingUpdate only), shared with the dashboard's own checks.
  errs.push(...validateSidecarSetUpdateStrategy(spec.updateStrategy));

  // 8. volumes (also part of the fake pod below; identical messages are merged by the aggregate).
  errs.push(...validateVolumes((spec.volumes ?? []) as Json[], 'spec.volumes'));

  // 9. containers.
  if ((spec.containers ?? []).length === 0 && (spec.initContainers ?? []).length === 0) {
    errs.push(required('spec', 'no initContainer or container defined for SidecarSet'));
  } else {
    (spec.initContainers ?? []).forEach((c, i) => {
      if (c.resourcesPolicy && !isNativeSidecar(c)) {
        errs.push(
          invalid(
            `spec.initContainers[${i}].resourcesPolicy`,
            goDump(c.resourcesPolicy),
            'resourcesPolicy is only supported for containers with RestartPolicy Always',
          ),
        );
      } else {
        errs.push(...validateResourcesPolicy(c, `spec.initContainers[${i}]`));
      }
    });
    (spec.containers ?? []).forEach((c, i) => {
      errs.push(...validateSidecarFields(c, `spec.containers[${i}]`));
    });
    errs.push(...validateFakePod(ss));
  }

  // 10. patchPodMetadata.
  errs.push(...validatePatchPodMetadata(ss, opts));

  // 11. UPDATE: container names and upgradeType are immutable.
  if (old) {
    const before = new Map((old.spec.containers ?? []).map((c) => [c.name, c]));
    for (const c of spec.containers ?? []) {
      const o = before.get(c.name);
      if (!o) errs.push(invalid('spec.containers.name', c.name, `container ${c.name} is not found`));
      else if ((o.upgradeStrategy?.upgradeType ?? 'ColdUpgrade') !== (c.upgradeStrategy?.upgradeType ?? 'ColdUpgrade')) {
        errs.push(
          invalid(
            'spec.containers.upgradeStrategy.upgradeType',
            c.upgradeStrategy?.upgradeType ?? '',
            `container ${c.name} upgradeType is immutable`,
          ),
        );
      }
    }
  }
  return errs;
}

// ---- 12. conflicts with other SidecarSets ------------------------------------------------------

/** Kruise's loose selector-disjointness test: only matchLabels and In pin a key's values. */
function isDisjoint(a: LabelSelector, b: LabelSelector): boolean {
  const pinned = new Map<string, string[]>();
  for (const [k, v] of Object.entries(a.matchLabels ?? {})) pinned.set(k, [v]);
  for (const e of a.matchExpressions ?? []) if (e.operator === 'In') pinned.set(e.key, e.values ?? []);
  for (const [k, v] of Object.entries(b.matchLabels ?? {})) {
    const vs = pinned.get(k);
    if (vs && !vs.includes(v)) return true;
  }
  for (const e of b.matchExpressions ?? []) {
    const vs = pinned.get(e.key);
    const values = e.values ?? [];
    switch (e.operator) {
      case 'In':
        if (vs && !values.some((v) => vs.includes(v))) return true;
        break;
      case 'NotIn':
        if (vs?.every((v) => values.includes(v))) return true;
        break;
      case 'Exists':
        if (!vs) return true;
        break;
      case 'DoesNotExist':
        if (vs) return true;
        break;
    }
  }
  return false;
}

export function isSelectorOverlapping(a: LabelSelector | undefined, b: LabelSelector | undefined): boolean {
  if (!a || !b) return true;
  return !(isDisjoint(a, b) || isDisjoint(b, a));
}

export function validateConflicts(ss: SidecarSet, others: SidecarSet[]): FieldError[] {
  const errs: FieldError[] = [];
  const base = canaryBaseOf(ss);
  const names = new Set([...(ss.spec.initContainers ?? []), ...(ss.spec.containers ?? [])].map((c) => c.name));
  const volumes = new Map((ss.spec.volumes ?? []).map((v) => [v.name, canonicalJson(v)]));
  const patches = new Map<string, string>();
  for (const p of ss.spec.patchPodMetadata ?? [])
    for (const k of Object.keys(p.annotations ?? {})) patches.set(k, p.patchPolicy ?? 'Retain');

  for (const o of [...others].sort((x, y) => (x.metadata.name < y.metadata.name ? -1 : 1))) {
    if (o.metadata.name === ss.metadata.name) continue;
    // A canary and its base share containers on purpose.
    if (base === o.metadata.name || canaryBaseOf(o) === ss.metadata.name) continue;
    const nsOverlap =
      !ss.spec.namespaceSelector || !o.spec.namespaceSelector || isSelectorOverlapping(ss.spec.namespaceSelector, o.spec.namespaceSelector);
    if (!nsOverlap || !isSelectorOverlapping(ss.spec.selector, o.spec.selector)) continue;
    for (const c of [...(o.spec.initContainers ?? []), ...(o.spec.containers ?? [])]) {
      if (names.has(c.name)) errs.push(invalid('spec.containers', c.name, `container ${c.name} already exist in ${o.metadata.name}`));
    }
    for (const v of o.spec.volumes ?? []) {
      const mine = volumes.get(v.name);
      if (mine !== undefined && mine !== canonicalJson(v)) {
        errs.push(invalid('spec.volumes', v.name, `volume ${v.name} is in conflict with sidecarset ${o.metadata.name}`));
      }
    }
    for (const p of o.spec.patchPodMetadata ?? []) {
      const theirs = p.patchPolicy ?? 'Retain';
      for (const k of Object.keys(p.annotations ?? {})) {
        const mine = patches.get(k);
        if (mine === undefined || mine === 'Retain' || theirs === 'Retain') continue;
        if (mine === 'Overwrite' || theirs === 'Overwrite') {
          errs.push(invalid('spec.patchPodMetadata', k, `annotation ${k} is in conflict with sidecarset ${o.metadata.name}`));
        }
      }
    }
  }
  return errs;
}
