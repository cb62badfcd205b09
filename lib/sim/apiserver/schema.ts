/**
 * Structural schema handling as the apiextensions-apiserver does it for custom resources:
 * pruning of unknown fields, defaulting, and validation of types, enums, required fields and
 * bounds, reporting causes with Kubernetes field paths. Also used for the built-in kinds, whose
 * (partial) schemas live in builtin-schemas.ts.
 */
import { isObject, type JsonObject } from './util';

export interface Schema {
  type?: string;
  format?: string;
  description?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  nullable?: boolean;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-list-type'?: string;
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: string;
  [k: string]: unknown;
}

export interface Cause {
  reason: string;
  message: string;
  field: string;
}

export interface SchemaResult {
  causes: Cause[];
  /** Remove unknown fields (CRDs) or only report them (built-in kinds, whose schemas are partial). */
  prune?: boolean;
  /** Paths of fields that were not in the schema (pruned), as `spec.foo` / `spec.a[0].b`. */
  unknownFields: string[];
}

/**
 * Validates `obj` (a whole object: apiVersion, kind, metadata, ...) against `schema`, pruning
 * unknown fields and applying defaults in place. `obj` must be a private copy.
 */
export function applySchema(schema: Schema, obj: JsonObject, opts: { prune?: boolean } = {}): SchemaResult {
  const res: SchemaResult = { causes: [], unknownFields: [], prune: opts.prune !== false };
  // apiVersion, kind and metadata are always allowed at the root; metadata is validated elsewhere.
  const rootProps = { ...(schema.properties ?? {}) };
  delete rootProps.metadata;
  delete rootProps.apiVersion;
  delete rootProps.kind;
  for (const key of Object.keys(obj)) {
    if (key === 'apiVersion' || key === 'kind' || key === 'metadata') continue;
    const sub = rootProps[key];
    if (!sub) {
      if (!schema['x-kubernetes-preserve-unknown-fields']) {
        res.unknownFields.push(key);
        if (res.prune) delete obj[key];
      }
      continue;
    }
    const v = walk(sub, obj[key], key, res);
    if (v === DROP) delete obj[key];
    else obj[key] = v;
  }
  for (const [key, sub] of Object.entries(rootProps)) {
    if (obj[key] === undefined && sub.default !== undefined) obj[key] = structuredClone(sub.default);
  }
  for (const key of schema.required ?? []) {
    if (key !== 'metadata' && key !== 'apiVersion' && key !== 'kind' && obj[key] === undefined) {
      res.causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: key });
    }
  }
  return res;
}

const DROP = Symbol('drop');

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function quote(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v));
}

function walk(s: Schema, v: unknown, path: string, res: SchemaResult): unknown {
  if (v === null) {
    // Structural schemas: a null for a non-nullable field is pruned like an absent one.
    return s.nullable ? null : DROP;
  }
  if (s['x-kubernetes-int-or-string']) {
    if (typeof v !== 'string' && !(typeof v === 'number' && Number.isInteger(v))) {
      res.causes.push({
        reason: 'FieldValueInvalid',
        message: `Invalid value: "${typeName(v)}": ${path} in body must be of type int-or-string: "${typeName(v)}"`,
        field: path,
      });
      return v;
    }
    checkScalar(s, v, path, res);
    return v;
  }
  const t = s.type;
  if (t === undefined) {
    if (isObject(v)) return walkObject(s, v, path, res);
    if (Array.isArray(v) && s.items) return v.map((x, i) => walkItem(s.items as Schema, x, `${path}[${i}]`, res));
    return v;
  }
  const actual = typeName(v);
  const ok = t === actual || (t === 'number' && actual === 'integer') || (t === 'object' && actual === 'object' && isObject(v));
  if (!ok) {
    res.causes.push({
      reason: 'FieldValueTypeInvalid',
      message: `Invalid value: "${actual}": ${path} in body must be of type ${t}: "${actual}"`,
      field: path,
    });
    return v;
  }
  if (t === 'object') return walkObject(s, v as JsonObject, path, res);
  if (t === 'array') {
    const arr = v as unknown[];
    if (s.minItems !== undefined && arr.length < s.minItems) {
      res.causes.push({
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${arr.length}: ${path} in body should have at least ${s.minItems} items`,
        field: path,
      });
    }
    if (s.maxItems !== undefined && arr.length > s.maxItems) {
      res.causes.push({
        reason: 'FieldValueTooMany',
        message: `Too many: ${arr.length}: must have at most ${s.maxItems} items`,
        field: path,
      });
    }
    if (!s.items) return arr;
    const out: unknown[] = [];
    arr.forEach((x, i) => {
      out.push(walkItem(s.items as Schema, x, `${path}[${i}]`, res));
    });
    checkListMapKeys(s, out, path, res);
    return out;
  }
  checkScalar(s, v, path, res);
  return v;
}

function walkItem(s: Schema, v: unknown, path: string, res: SchemaResult): unknown {
  const out = walk(s, v, path, res);
  // A null list item stays null (it fails type checks elsewhere in the real server; keep simple).
  return out === DROP ? null : out;
}

function checkListMapKeys(s: Schema, arr: unknown[], path: string, res: SchemaResult): void {
  if (s['x-kubernetes-list-type'] === 'set') {
    const seen = new Set<string>();
    arr.forEach((x, i) => {
      const k = JSON.stringify(x);
      if (seen.has(k)) res.causes.push({ reason: 'FieldValueDuplicate', message: `Duplicate value: ${k}`, field: `${path}[${i}]` });
      seen.add(k);
    });
  } else if (s['x-kubernetes-list-type'] === 'map' && s['x-kubernetes-list-map-keys']) {
    const keys = s['x-kubernetes-list-map-keys'];
    const seen = new Set<string>();
    arr.forEach((x, i) => {
      if (!isObject(x)) return;
      const k = JSON.stringify(keys.map((key) => x[key]));
      if (seen.has(k)) {
        const shown = keys.map((key) => `"${key}":${JSON.stringify(x[key])}`).join(',');
        res.causes.push({
          reason: 'FieldValueDuplicate',
          message: `Duplicate value: map[string]interface {}{${shown}}`,
          field: `${path}[${i}]`,
        });
      }
      seen.add(k);
    });
  }
}

function walkObject(s: Schema, v: JsonObject, path: string, res: SchemaResult): JsonObject {
  const props = s.properties;
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
  const addl = s.additionalProperties;
  if (props === undefined && (addl === undefined || addl === false) && (preserve || s.type === undefined)) {
    return v;
  }
  for (const key of Object.keys(v)) {
    const childPath = `${path}.${key}`;
    const sub = props?.[key] ?? (isObject(addl) ? (addl as Schema) : undefined);
    if (!sub) {
      if (addl === true || preserve) continue;
      res.unknownFields.push(childPath);
      if (res.prune) delete v[key];
      continue;
    }
    const out = walk(sub, v[key], childPath, res);
    if (out === DROP) delete v[key];
    else v[key] = out;
  }
  if (props) {
    for (const [key, sub] of Object.entries(props)) {
      if (v[key] === undefined && sub.default !== undefined) v[key] = structuredClone(sub.default);
    }
  }
  for (const key of s.required ?? []) {
    if (v[key] === undefined) {
      res.causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: `${path}.${key}` });
    }
  }
  return v;
}

function checkScalar(s: Schema, v: unknown, path: string, res: SchemaResult): void {
  if (s.enum && !s.enum.some((e) => e === v)) {
    res.causes.push({
      reason: 'FieldValueNotSupported',
      message: `Unsupported value: ${quote(v)}: supported values: ${s.enum.map((e) => quote(e)).join(', ')}`,
      field: path,
    });
  }
  if (typeof v === 'number') {
    if (s.minimum !== undefined && (s.exclusiveMinimum ? v <= s.minimum : v < s.minimum)) {
      res.causes.push({
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${v}: ${path} in body should be greater than ${s.exclusiveMinimum ? '' : 'or equal to '}${s.minimum}`,
        field: path,
      });
    }
    if (s.maximum !== undefined && (s.exclusiveMaximum ? v >= s.maximum : v > s.maximum)) {
      res.causes.push({
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${v}: ${path} in body should be less than ${s.exclusiveMaximum ? '' : 'or equal to '}${s.maximum}`,
        field: path,
      });
    }
    if (s.format === 'int32' && (v > 2147483647 || v < -2147483648)) {
      res.causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${v}: ${path} in body must be of type int32`, field: path });
    }
  }
  if (typeof v === 'string') {
    if (s.minLength !== undefined && v.length < s.minLength) {
      res.causes.push({
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${quote(v)}: ${path} in body should be at least ${s.minLength} chars long`,
        field: path,
      });
    }
    if (s.maxLength !== undefined && v.length > s.maxLength) {
      res.causes.push({ reason: 'FieldValueTooLong', message: `Too long: may not be more than ${s.maxLength} bytes`, field: path });
    }
    if (s.pattern !== undefined && !new RegExp(s.pattern).test(v)) {
      res.causes.push({
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${quote(v)}: ${path} in body should match '${s.pattern}'`,
        field: path,
      });
    }
  }
}

/** The CRD's openAPIV3Schema for one version. */
export function crdSchema(crd: JsonObject, version: string): Schema | undefined {
  const versions = (crd.spec as { versions: Array<{ name: string; schema?: { openAPIV3Schema?: Schema } }> }).versions;
  return versions.find((v) => v.name === version)?.schema?.openAPIV3Schema;
}
