/**
 * Strategic merge patch for built-in kinds (merge keys for containers, volumes, env, conditions,
 * ...; `$patch`, `$setElementOrder`, `$retainKeys`, `$deleteFromPrimitiveList` directives, as
 * kubectl apply sends them). JSON merge patch and JSON Patch live in lib/fleet/json-patch.ts:
 * the dashboard previews its patches with the same code.
 */
import { clone, deepEqual, isObject, type JsonObject } from '@/lib/fleet/json';
import { badRequest } from './errors';

/**
 * Merge keys of the lists that merge rather than replace, by field name (the built-in kinds
 * served here use these names consistently). Lists not named here are replaced whole.
 */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  env: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  ports: 'containerPort',
  conditions: 'type',
  ownerReferences: 'uid',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
  topologySpreadConstraints: 'topologyKey',
  resourceClaims: 'name',
  schedulingGates: 'name',
  addresses: 'type',
};
/** Primitive lists with patchStrategy merge (union). */
const MERGE_PRIMITIVE = new Set(['finalizers']);

const SET_ORDER = '$setElementOrder/';
const DELETE_PRIMITIVE = '$deleteFromPrimitiveList/';

export function strategicMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) throw badRequest('json: cannot unmarshal array into Go value of type map[string]interface {}');
  return smpObject(isObject(target) ? clone(target) : {}, patch);
}

function smpObject(target: JsonObject, patch: JsonObject): JsonObject {
  const directive = patch.$patch;
  if (directive === 'replace') {
    const out = clone(patch);
    delete out.$patch;
    return out;
  }
  if (directive === 'delete') return {};
  let out: JsonObject = target;
  const retain = patch.$retainKeys;
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k === '$retainKeys') continue;
    if (k.startsWith(SET_ORDER) || k.startsWith(DELETE_PRIMITIVE)) continue;
    if (v === null) {
      delete out[k];
      continue;
    }
    const cur = out[k];
    if (Array.isArray(v)) {
      out[k] = smpList(k, Array.isArray(cur) ? cur : [], v);
    } else if (isObject(v)) {
      if (v.$patch === 'delete') delete out[k];
      else out[k] = smpObject(isObject(cur) ? cur : {}, v);
    } else {
      out[k] = v;
    }
  }
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith(DELETE_PRIMITIVE) && Array.isArray(v)) {
      const field = k.slice(DELETE_PRIMITIVE.length);
      const cur = out[field];
      if (Array.isArray(cur)) out[field] = cur.filter((x) => !v.some((d) => deepEqual(d, x)));
    }
  }
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith(SET_ORDER) && Array.isArray(v)) {
      const field = k.slice(SET_ORDER.length);
      const cur = out[field];
      if (Array.isArray(cur)) out[field] = applyOrder(field, cur, v);
    }
  }
  if (Array.isArray(retain)) {
    const keep = new Set(retain as string[]);
    const next: JsonObject = {};
    for (const [k, v] of Object.entries(out)) if (keep.has(k)) next[k] = v;
    out = next;
  }
  return out;
}

function smpList(field: string, cur: unknown[], patch: unknown[]): unknown[] {
  const key = MERGE_KEYS[field];
  if (patch.some((p) => isObject(p) && p.$patch === 'replace')) {
    return patch.filter((p) => !(isObject(p) && p.$patch === 'replace')).map(clone);
  }
  if (MERGE_PRIMITIVE.has(field)) {
    const out = [...cur];
    for (const p of patch) if (!out.some((x) => deepEqual(x, p))) out.push(p);
    return out;
  }
  if (!key) return patch.map(clone);
  const out = cur.map((x) => x);
  for (const p of patch) {
    if (!isObject(p)) {
      out.push(p);
      continue;
    }
    const idx = out.findIndex((x) => isObject(x) && x[key] === p[key]);
    if (p.$patch === 'delete') {
      if (idx >= 0) out.splice(idx, 1);
      continue;
    }
    if (idx >= 0) out[idx] = smpObject(clone(out[idx] as JsonObject), p);
    else out.push(smpObject({}, p));
  }
  return out;
}

function applyOrder(field: string, list: unknown[], order: unknown[]): unknown[] {
  const key = MERGE_KEYS[field];
  const pos = (x: unknown): number => order.findIndex((o) => (key && isObject(o) && isObject(x) ? o[key] === x[key] : deepEqual(o, x)));
  // Items named in the order go in that order; others keep their relative place at the end.
  const named = list.filter((x) => pos(x) >= 0).sort((a, b) => pos(a) - pos(b));
  const rest = list.filter((x) => pos(x) < 0);
  return [...named, ...rest];
}
