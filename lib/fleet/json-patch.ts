/**
 * JSON merge patch (RFC 7386) and JSON Patch (RFC 6902), applied the way kube-apiserver applies
 * them (k8s.io/apiserver/pkg/endpoints/handlers/patch.go over github.com/evanphx/json-patch), with
 * its answers when a patch does not apply. The built-in cluster serves PATCH with these; the
 * dashboard previews its own patches with them, so a guard that would fail on the server fails
 * in the preview first.
 */
import { clone, deepEqual, isObject, type JsonObject } from './json';

export type JsonPatchOp =
  | { op: 'test' | 'add' | 'replace'; path: string; value: unknown }
  | { op: 'remove'; path: string }
  | { op: 'move' | 'copy'; path: string; from: string };

/**
 * The API server's refusal of a patch: 400 BadRequest for a patch it cannot decode, 422 Invalid for
 * one that does not apply (a failed `test`, a missing path). kube-apiserver 1.32 answers the latter
 * with a generic message and empty details, whatever the reason (seen on the real control plane);
 * `detail` keeps the reason for our own messages and is never sent.
 */
export class PatchRejected extends Error {
  override name = 'PatchRejected';
  constructor(
    readonly code: 400 | 422,
    readonly reason: 'BadRequest' | 'Invalid',
    message: string,
    readonly detail?: string,
  ) {
    super(message);
  }
}

/** The message of kube-apiserver's 422 for a JSON Patch that does not apply. */
export const PATCH_DOES_NOT_APPLY = 'the server rejected our request due to an error in our request';

function badRequest(message: string): PatchRejected {
  return new PatchRejected(400, 'BadRequest', message);
}

/** What staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go answers when a JSON Patch does not apply. */
function doesNotApply(detail: string): PatchRejected {
  return new PatchRejected(422, 'Invalid', PATCH_DOES_NOT_APPLY, detail);
}

/** RFC 7386: `null` deletes a member, objects merge, anything else replaces. Returns a copy. */
export function mergePatch<T>(target: T, patch: unknown): T {
  if (!isObject(patch)) return clone(patch) as T;
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out as T;
}

/** RFC 6901 escaping of one reference token per part. */
export function pointer(...parts: Array<string | number>): string {
  return parts.map((p) => `/${String(p).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

function parsePointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw doesNotApply(`invalid JSON pointer: "${path}"`);
  return path
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

type RawOp = { op?: unknown; path?: unknown; from?: string; value?: unknown };

/** Applies an RFC 6902 patch to a copy of `doc`; throws PatchRejected as the API server answers. */
export function jsonPatch<T>(doc: T, ops: unknown): T {
  if (!Array.isArray(ops))
    throw badRequest('error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp');
  let root: unknown = clone(doc);
  for (const raw of ops as RawOp[]) {
    if (!isObject(raw) || typeof raw.op !== 'string') throw doesNotApply('Unexpected kind: missing op');
    if (typeof raw.path !== 'string') throw doesNotApply(`Unexpected kind: missing path for ${raw.op}`);
    const rawPath = raw.path;
    const path = parsePointer(rawPath);
    switch (raw.op) {
      case 'add':
        if (!('value' in raw)) throw doesNotApply('Unexpected kind: missing value');
        root = addAt(root, path, clone(raw.value), rawPath);
        break;
      case 'remove':
        root = removeAt(root, path, rawPath).doc;
        break;
      case 'replace': {
        if (!('value' in raw)) throw doesNotApply('Unexpected kind: missing value');
        getAt(root, path, `replace operation does not apply: doc is missing key: ${rawPath}`);
        root = removeAt(root, path, rawPath).doc;
        root = addAt(root, path, clone(raw.value), rawPath);
        break;
      }
      case 'move': {
        const from = parsePointer(raw.from ?? '');
        const r = removeAt(root, from, raw.from ?? '');
        root = addAt(r.doc, path, r.value, rawPath);
        break;
      }
      case 'copy': {
        const from = parsePointer(raw.from ?? '');
        const v = getAt(root, from, `copy operation does not apply: doc is missing from path: ${raw.from}`);
        root = addAt(root, path, clone(v), rawPath);
        break;
      }
      case 'test': {
        let v: unknown;
        try {
          v = getAt(root, path, '');
        } catch {
          v = undefined;
        }
        // evanphx/json-patch: testing for null passes on a missing member.
        if (v === undefined && raw.value === null) break;
        if (!deepEqual(v, raw.value)) throw doesNotApply(`testing value ${rawPath} failed: test failed`);
        break;
      }
      default:
        throw doesNotApply(`Unexpected kind: ${raw.op}`);
    }
  }
  return root as T;
}

function getAt(doc: unknown, path: string[], err: string): unknown {
  let cur = doc;
  for (const p of path) {
    if (Array.isArray(cur)) {
      const i = Number(p);
      if (!/^\d+$/.test(p) || i >= cur.length) throw doesNotApply(err);
      cur = cur[i];
    } else if (isObject(cur)) {
      if (!Object.hasOwn(cur, p)) throw doesNotApply(err);
      cur = cur[p];
    } else throw doesNotApply(err);
  }
  return cur;
}

function addAt(doc: unknown, path: string[], value: unknown, raw: string): unknown {
  if (path.length === 0) return value;
  const missing = `add operation does not apply: doc is missing path: "${raw}": missing value`;
  const parent = getAt(doc, path.slice(0, -1), missing);
  const last = path[path.length - 1] as string;
  if (Array.isArray(parent)) {
    if (last === '-') parent.push(value);
    else {
      const i = Number(last);
      if (!/^\d+$/.test(last) || i > parent.length) throw doesNotApply(missing);
      parent.splice(i, 0, value);
    }
  } else if (isObject(parent)) {
    parent[last] = value;
  } else {
    throw doesNotApply(missing);
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
    if (!/^\d+$/.test(last) || i >= parent.length) throw doesNotApply(err);
    const [v] = parent.splice(i, 1);
    return { doc, value: v };
  }
  if (isObject(parent) && Object.hasOwn(parent, last)) {
    const v = parent[last];
    delete parent[last];
    return { doc, value: v };
  }
  throw doesNotApply(err);
}
