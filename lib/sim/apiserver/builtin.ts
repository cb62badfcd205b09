/**
 * Defaulting and validation of the built-in kinds, the parts of kube-apiserver's registry
 * strategies that clients can observe: the defaults every real pod carries, required fields,
 * selector/template agreement, and which pod fields may change after creation.
 */
import type { KObject } from '../types';
import type { Cause } from './schema';
import { isDns1123Label, isDns1123Subdomain } from '@/lib/fleet/field-errors';
import { isObject, type JsonObject } from './util';

type Obj = JsonObject;

function setDefault(o: Obj, key: string, v: unknown): void {
  if (o[key] === undefined) o[key] = v;
}

export function imagePullPolicyFor(image: string | undefined): string {
  if (!image) return 'IfNotPresent';
  const noDigest = image.split('@')[0] as string;
  const lastSlash = noDigest.lastIndexOf('/');
  const colon = noDigest.indexOf(':', lastSlash + 1);
  if (image.includes('@')) return 'IfNotPresent';
  if (colon < 0) return 'Always';
  return noDigest.slice(colon + 1) === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultContainer(c: Obj): void {
  setDefault(c, 'imagePullPolicy', imagePullPolicyFor(c.image as string | undefined));
  setDefault(c, 'terminationMessagePath', '/dev/termination-log');
  setDefault(c, 'terminationMessagePolicy', 'File');
  setDefault(c, 'resources', {});
  if (Array.isArray(c.ports)) for (const p of c.ports) if (isObject(p)) setDefault(p, 'protocol', 'TCP');
  if (Array.isArray(c.env)) {
    for (const e of c.env) {
      const fr = isObject(e) && isObject(e.valueFrom) ? e.valueFrom.fieldRef : undefined;
      if (isObject(fr)) setDefault(fr, 'apiVersion', 'v1');
    }
  }
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
    const p = c[probe];
    if (isObject(p)) {
      setDefault(p, 'timeoutSeconds', 1);
      setDefault(p, 'periodSeconds', 10);
      setDefault(p, 'successThreshold', 1);
      setDefault(p, 'failureThreshold', 3);
      if (isObject(p.httpGet)) setDefault(p.httpGet, 'scheme', 'HTTP');
    }
  }
}

export function defaultPodSpec(spec: Obj): void {
  for (const key of ['containers', 'initContainers']) {
    const list = spec[key];
    if (Array.isArray(list)) for (const c of list) if (isObject(c)) defaultContainer(c);
  }
  setDefault(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'securityContext', {});
  setDefault(spec, 'schedulerName', 'default-scheduler');
  if (Array.isArray(spec.volumes)) {
    for (const v of spec.volumes) {
      if (!isObject(v)) continue;
      for (const src of ['configMap', 'secret', 'downwardAPI', 'projected']) {
        if (isObject(v[src])) setDefault(v[src], 'defaultMode', 420);
      }
      if (isObject(v.downwardAPI) && Array.isArray(v.downwardAPI.items)) {
        for (const it of v.downwardAPI.items) {
          if (isObject(it) && isObject(it.fieldRef)) setDefault(it.fieldRef, 'apiVersion', 'v1');
        }
      }
    }
  }
}

function defaultTemplate(spec: Obj): void {
  const tpl = spec.template;
  if (isObject(tpl)) {
    setDefault(tpl, 'metadata', {});
    if (isObject(tpl.spec)) defaultPodSpec(tpl.spec);
  }
}

/** Applies the registry defaults of a built-in kind, in place, on create and update. */
export function applyBuiltinDefaults(resource: string, obj: KObject, operation: 'CREATE' | 'UPDATE'): void {
  const spec = isObject(obj.spec) ? obj.spec : undefined;
  switch (resource) {
    case 'pods': {
      if (!spec) return;
      defaultPodSpec(spec);
      if (operation === 'CREATE') {
        setDefault(spec, 'serviceAccountName', 'default');
        setDefault(spec, 'serviceAccount', spec.serviceAccountName);
        setDefault(spec, 'enableServiceLinks', true);
        setDefault(spec, 'priority', 0);
        setDefault(spec, 'preemptionPolicy', 'PreemptLowerPriority');
        // The DefaultTolerationSeconds admission plugin.
        const tol = Array.isArray(spec.tolerations) ? [...spec.tolerations] : [];
        for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
          if (!tol.some((t) => isObject(t) && t.key === key)) {
            tol.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
          }
        }
        spec.tolerations = tol;
      }
      return;
    }
    case 'apps/deployments':
      if (!spec) return;
      setDefault(spec, 'replicas', 1);
      setDefault(spec, 'revisionHistoryLimit', 10);
      setDefault(spec, 'progressDeadlineSeconds', 600);
      if (!isObject(spec.strategy)) spec.strategy = {};
      setDefault(spec.strategy as Obj, 'type', 'RollingUpdate');
      if (isObject(spec.strategy) && spec.strategy.type === 'RollingUpdate') {
        setDefault(spec.strategy, 'rollingUpdate', {});
        const ru = spec.strategy.rollingUpdate as Obj;
        setDefault(ru, 'maxUnavailable', '25%');
        setDefault(ru, 'maxSurge', '25%');
      }
      defaultTemplate(spec);
      return;
    case 'apps/replicasets':
      if (!spec) return;
      setDefault(spec, 'replicas', 1);
      defaultTemplate(spec);
      return;
    case 'apps/statefulsets':
      if (!spec) return;
      setDefault(spec, 'replicas', 1);
      setDefault(spec, 'podManagementPolicy', 'OrderedReady');
      setDefault(spec, 'revisionHistoryLimit', 10);
      if (!isObject(spec.updateStrategy)) spec.updateStrategy = {};
      setDefault(spec.updateStrategy as Obj, 'type', 'RollingUpdate');
      if (isObject(spec.updateStrategy) && spec.updateStrategy.type === 'RollingUpdate') {
        setDefault(spec.updateStrategy, 'rollingUpdate', { partition: 0 });
      }
      setDefault(spec, 'persistentVolumeClaimRetentionPolicy', { whenDeleted: 'Retain', whenScaled: 'Retain' });
      defaultTemplate(spec);
      return;
    case 'apps/daemonsets':
      if (!spec) return;
      setDefault(spec, 'revisionHistoryLimit', 10);
      if (!isObject(spec.updateStrategy)) spec.updateStrategy = {};
      setDefault(spec.updateStrategy as Obj, 'type', 'RollingUpdate');
      if (isObject(spec.updateStrategy) && spec.updateStrategy.type === 'RollingUpdate') {
        setDefault(spec.updateStrategy, 'rollingUpdate', { maxUnavailable: 1, maxSurge: 0 });
      }
      defaultTemplate(spec);
      return;
    case 'namespaces': {
      const labels = { ...(obj.metadata.labels ?? {}) };
      labels['kubernetes.io/metadata.name'] = obj.metadata.name;
      obj.metadata.labels = labels;
      obj.spec = { finalizers: ['kubernetes'], ...(spec ?? {}) };
      return;
    }
  }
}

function validateContainers(list: unknown, path: string, causes: Cause[], required: boolean): void {
  if (!Array.isArray(list) || list.length === 0) {
    if (required) causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: path });
    return;
  }
  const names = new Set<string>();
  list.forEach((c, i) => {
    const p = `${path}[${i}]`;
    if (!isObject(c)) return;
    if (typeof c.name !== 'string' || c.name === '') {
      causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: `${p}.name` });
    } else {
      for (const e of isDns1123Label(c.name)) {
        causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: "${c.name}": ${e}`, field: `${p}.name` });
      }
      if (names.has(c.name)) causes.push({ reason: 'FieldValueDuplicate', message: `Duplicate value: "${c.name}"`, field: `${p}.name` });
      names.add(c.name);
    }
    if (typeof c.image !== 'string' || c.image.trim() === '') {
      causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: `${p}.image` });
    }
  });
}

function validatePodSpec(spec: unknown, path: string, causes: Cause[]): void {
  if (!isObject(spec)) {
    causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: path });
    return;
  }
  validateContainers(spec.containers, `${path}.containers`, causes, true);
  validateContainers(spec.initContainers, `${path}.initContainers`, causes, false);
  const rp = spec.restartPolicy;
  if (rp !== undefined && rp !== 'Always' && rp !== 'OnFailure' && rp !== 'Never') {
    causes.push({
      reason: 'FieldValueNotSupported',
      message: `Unsupported value: "${String(rp)}": supported values: "Always", "OnFailure", "Never"`,
      field: `${path}.restartPolicy`,
    });
  }
}

function selectorMatchesTemplate(spec: Obj, causes: Cause[]): void {
  const sel = spec.selector;
  if (!isObject(sel) || (Object.keys((sel.matchLabels as Obj) ?? {}).length === 0 && !Array.isArray(sel.matchExpressions))) {
    causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.selector' });
    return;
  }
  const tpl = isObject(spec.template) ? spec.template : {};
  const labels = (isObject(tpl.metadata) ? (tpl.metadata.labels as Record<string, string>) : undefined) ?? {};
  const ml = (sel.matchLabels as Record<string, string>) ?? {};
  const ok = Object.entries(ml).every(([k, v]) => labels[k] === v);
  if (!ok) {
    const shown = Object.entries(labels)
      .map(([k, v]) => `"${k}":"${v}"`)
      .join(', ');
    causes.push({
      reason: 'FieldValueInvalid',
      message: `Invalid value: map[string]string{${shown}}: \`selector\` does not match template \`labels\``,
      field: 'spec.template.metadata.labels',
    });
  }
}

/** Validation of a built-in kind on create or update. Returns causes (422 when any). */
export function validateBuiltin(resource: string, obj: KObject, old: KObject | undefined): Cause[] {
  const causes: Cause[] = [];
  const spec = obj.spec as Obj | undefined;
  switch (resource) {
    case 'pods':
      validatePodSpec(spec, 'spec', causes);
      if (old) validatePodUpdate(obj, old, causes);
      break;
    case 'apps/deployments':
    case 'apps/replicasets':
    case 'apps/statefulsets':
    case 'apps/daemonsets': {
      if (!isObject(spec)) {
        causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: 'spec' });
        break;
      }
      selectorMatchesTemplate(spec, causes);
      const tpl = isObject(spec.template) ? spec.template : undefined;
      validatePodSpec(tpl?.spec, 'spec.template.spec', causes);
      if (typeof spec.replicas === 'number' && spec.replicas < 0) {
        causes.push({
          reason: 'FieldValueInvalid',
          message: `Invalid value: ${spec.replicas}: must be greater than or equal to 0`,
          field: 'spec.replicas',
        });
      }
      if (old && isObject(old.spec) && JSON.stringify(old.spec.selector) !== JSON.stringify(spec.selector)) {
        causes.push({
          reason: 'FieldValueInvalid',
          message: `Invalid value: ${goLabelSelector(spec.selector)}: field is immutable`,
          field: 'spec.selector',
        });
      }
      break;
    }
  }
  return causes;
}

function goLabelSelector(sel: unknown): string {
  const ml = isObject(sel) && isObject(sel.matchLabels) ? sel.matchLabels : {};
  const shown = Object.entries(ml)
    .map(([k, v]) => `"${k}":"${String(v)}"`)
    .join(', ');
  return `v1.LabelSelector{MatchLabels:map[string]string{${shown}}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}`;
}

/** Pod spec fields a running pod may change (ValidatePodUpdate): images, activeDeadlineSeconds, added tolerations. */
function validatePodUpdate(obj: KObject, old: KObject, causes: Cause[]): void {
  const a = structuredClone(obj.spec ?? {}) as Obj;
  const b = structuredClone(old.spec ?? {}) as Obj;
  for (const key of ['containers', 'initContainers', 'ephemeralContainers']) {
    const la = a[key];
    const lb = b[key];
    if (Array.isArray(la) && Array.isArray(lb) && la.length === lb.length) {
      la.forEach((c, i) => {
        const oc = lb[i];
        if (isObject(c) && isObject(oc)) c.image = oc.image;
      });
    }
  }
  a.activeDeadlineSeconds = b.activeDeadlineSeconds;
  a.tolerations = b.tolerations;
  // The scheduler binds through pods/binding; we let a nodeName be set once.
  if (b.nodeName === undefined) a.nodeName = undefined;
  if (JSON.stringify(sortKeys(a)) !== JSON.stringify(sortKeys(b))) {
    causes.push({
      reason: 'FieldValueForbidden',
      message:
        'Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
      field: 'spec',
    });
  }
  for (const key of ['containers', 'initContainers']) {
    const la = (obj.spec as Obj | undefined)?.[key];
    if (!Array.isArray(la)) continue;
    la.forEach((c, i) => {
      if (isObject(c) && (typeof c.image !== 'string' || c.image === '')) {
        causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: `spec.${key}[${i}].image` });
      }
    });
  }
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (isObject(v)) {
    const out: Obj = {};
    for (const k of Object.keys(v).sort()) if (v[k] !== undefined) out[k] = sortKeys(v[k]);
    return out;
  }
  return v;
}

/** metadata.name rules: pods, workloads and most kinds use DNS-1123 subdomains; namespaces labels. */
export function nameErrors(resource: string, name: string): string[] {
  if (resource === 'namespaces') return isDns1123Label(name);
  return isDns1123Subdomain(name);
}
