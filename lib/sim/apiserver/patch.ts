/**
 * The three patch formats the API server takes: JSON merge patch (RFC 7386), JSON patch
 * (RFC 6902, with `test`), and strategic merge patch for built-in kinds (merge keys for
 * containers, volumes, env, conditions, ...; `$patch`, `$setElementOrder`, `$retainKeys`,
 * `$deleteFromPrimitiveList` directives, as kubectl apply sends them).
 */
import { ApiError } from '../types';
import { badRequest } from './errors';
import { clone, deepEqual, isObject, type JsonObject } from './util';

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch);
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

type Op = { op: string; path: string; from?: string; value?: unknown };

function unescapePtr(s: string): string {
  return s.replace(/~1/g, '/').replace(/~0/g, '~');
}

function parsePointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new Error(`invalid JSON pointer: "${path}"`);
  return path.slice(1).split('/').map(unescapePtr);
}

function jsonPatchFailure(message: string): ApiError {
  return new ApiError(422, 'Invalid', 'the server rejected our request due to an error in our request', {
    causes: [{ reason: 'UnexpectedServerResponse', message }],
  });
}

/** Applies an RFC 6902 patch to a copy of `doc`. A failed `test` or a bad path answers 422. */
export function jsonPatch(doc: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  let root = clone(doc);
  for (const raw of ops as Op[]) {
    if (!isObject(raw) || typeof raw.op !== 'string') throw badRequest('Unexpected kind: missing op');
    const op = raw as Op;
    if (typeof op.path !== 'string') throw badRequest(`Unexpected kind: missing path for ${op.op}`);
    let path: string[];
    try {
      path = parsePointer(op.path);
    } catch (e) {
      throw jsonPatchFailure((e as Error).message);
    }
    switch (op.op) {
      case 'add':
        if (!('value' in op)) throw badRequest('Unexpected kind: missing value');
        root = addAt(root, path, clone(op.value), op.path);
        break;
      case 'remove':
        root = removeAt(root, path, op.path).doc;
        break;
      case 'replace': {
        if (!('value' in op)) throw badRequest('Unexpected kind: missing value');
        getAt(root, path, `replace operation does not apply: doc is missing key: ${op.path}`);
        root = removeAt(root, path, op.path).doc;
        root = addAt(root, path, clone(op.value), op.path);
        break;
      }
      case 'move': {
        const from = parsePointer(op.from ?? '');
        const r = removeAt(root, from, op.from ?? '');
        root = addAt(r.doc, path, r.value, op.path);
        break;
      }
      case 'copy': {
        const from = parsePointer(op.from ?? '');
        const v = getAt(root, from, `copy operation does not apply: doc is missing from path: ${op.from}`);
        root = addAt(root, path, clone(v), op.path);
        break;
      }
      case 'test': {
        let v: unknown;
        try {
          v = getAt(root, path, '');
        } catch {
          v = undefined;
        }
        if (v === undefined && op.value === null) break;
        if (!deepEqual(v, op.value)) {
          throw jsonPatchFailure(`testing value ${op.path} failed: test failed`);
        }
        break;
      }
      default:
        throw badRequest(`Unexpected kind: ${op.op}`);
    }
  }
  return root;
}

function getAt(doc: unknown, path: string[], err: string): unknown {
  let cur = doc;
  for (const p of path) {
    if (Array.isArray(cur)) {
      const i = Number(p);
      if (!/^\d+$/.test(p) || i >= cur.length) throw jsonPatchFailure(err);
      cur = cur[i];
    } else if (isObject(cur)) {
      if (!Object.hasOwn(cur, p)) throw jsonPatchFailure(err);
      cur = cur[p];
    } else throw jsonPatchFailure(err);
  }
  return cur;
}

function addAt(doc: unknown, path: string[], value: unknown, raw: string): unknown {
  if (path.length === 0) return value;
  const parent = getAt(doc, path.slice(0, -1), `add operation does not apply: doc is missing path: "${raw}": missing value`);
  const last = path[path.length - 1] as string;
  if (Array.isArray(parent)) {
    if (last === '-') parent.push(value);
    else {
      const i = Number(last);
      if (!/^\d+$/.test(last) || i > parent.length) {
        throw jsonPatchFailure(`add operation does not apply: doc is missing path: "${raw}": missing value`);
      }
      parent.splice(i, 0, value);
    }
  } else if (isObject(parent)) {
    parent[last] = value;
  } else {
    throw jsonPatchFailure(`add operation does not apply: doc is missing path: "${raw}": missing value`);
  }
  return doc;
}

function removeAt(doc: unknown, path: string[], raw: string): { doc: unknown; value: unknown } {
  if (path.length === 0) return { doc: undefined, value: doc };
  const err = `remove operation does not apply: doc is missing path: "${raw}": missing value`;
  const parent = getAt(doc, path.slice(0, -1), err);
  const last = path[path.length - 1] as string;
  if (Array.isArray(parent)) {
    const i = Number(last);
    if (!/^\d+$/.test(last) || i >= parent.length) throw jsonPatchFailure(err);
    const [v] = parent.splice(i, 1);
    return { doc, value: v };
  }
  if (isObject(parent) && Object.hasOwn(parent, last)) {
    const v = parent[last];
    delete parent[last];
    return { doc, value: v };
  }
  throw jsonPatchFailure(err);
}

// ---- strategic merge patch -----------------------------------------------------------------

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
