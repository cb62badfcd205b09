/**
 * /openapi/v2, in JSON and in the gnostic protobuf encoding kubectl 1.20 asks for
 * (`Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf`). kubectl 1.20 validates
 * `apply`/`create` input against these definitions and reads PATCH `consumes` and the patch
 * merge keys from them. Schemas are published the way apiextensions-apiserver publishes CRDs to
 * v2: int-or-string and preserve-unknown-fields parts become untyped (anything goes).
 */
import type { OpenApi } from './openapi';
import { schemaName } from './openapi';
import type { Registry, ResourceDef } from './resources';
import { objectMeta } from './builtin-schemas';
import { crdSchema, type Schema } from './schema';
import { isObject } from './util';
import yaml from 'js-yaml';

type V2Schema = Record<string, unknown>;

/**
 * A structural schema as OpenAPI v2 publishes it. For custom resources (as apiextensions does)
 * int-or-string and preserve-unknown-fields parts become untyped. For built-in kinds they become
 * `string/int-or-string` and maps: kubectl 1.20 computes apply patches from these schemas and
 * crashes on an untyped node, while a map only makes it fall back to its compiled-in types.
 */
export function toV2Schema(s: Schema, builtin = false): V2Schema {
  if (s['x-kubernetes-preserve-unknown-fields'] || s['x-kubernetes-int-or-string'] || s['x-kubernetes-embedded-resource']) {
    const out: V2Schema = {};
    if (s.description) out.description = s.description;
    for (const [k, v] of Object.entries(s)) if (k.startsWith('x-kubernetes-patch') || k === 'x-kubernetes-group-version-kind') out[k] = v;
    if (builtin) {
      if (s['x-kubernetes-int-or-string']) Object.assign(out, { type: 'string', format: 'int-or-string' });
      else out.type = 'object';
    }
    return out;
  }
  const out: V2Schema = {};
  for (const [k, v] of Object.entries(s)) {
    if (
      k === 'nullable' ||
      k === 'default' ||
      k === 'x-kubernetes-list-type' ||
      k === 'x-kubernetes-list-map-keys' ||
      k === 'x-kubernetes-map-type'
    )
      continue;
    if (k === 'properties' && isObject(v)) {
      const props: Record<string, V2Schema> = {};
      for (const [pk, pv] of Object.entries(v)) props[pk] = toV2Schema(pv as Schema, builtin);
      out.properties = props;
    } else if (k === 'items' && isObject(v)) {
      out.items = toV2Schema(v as Schema, builtin);
    } else if (k === 'additionalProperties' && isObject(v)) {
      out.additionalProperties = toV2Schema(v as Schema, builtin);
    } else {
      out[k] = v;
    }
  }
  return out;
}

function gvkExt(d: ResourceDef, version: string) {
  return [{ group: d.group, kind: d.kind, version }];
}

export function openapiV2Doc(reg: Registry, builtin: Record<string, Schema>): Record<string, unknown> {
  const definitions: Record<string, V2Schema> = {};
  const paths: Record<string, unknown> = {};
  for (const d of reg.defs) {
    for (const version of d.versions) {
      // Built-in kinds get no definition: kubectl 1.20 would compute apply patches from it, and
      // an incomplete schema makes it fail; without one it validates nothing and uses its own types.
      if (!d.crd && !builtin[d.id]) continue;
      const base: Schema = d.crd ? (crdSchema(d.crd, version) ?? { type: 'object' }) : (builtin[d.id] as Schema);
      const s = toV2Schema(base, !d.crd);
      const props = { ...((s.properties as Record<string, V2Schema>) ?? {}) };
      props.apiVersion = { type: 'string', description: 'APIVersion defines the versioned schema of this representation of an object.' };
      props.kind = { type: 'string', description: 'Kind is a string value representing the REST resource this object represents.' };
      props.metadata = { ...toV2Schema(objectMeta, true), description: 'Standard object metadata.' };
      definitions[schemaName(d, version)] = {
        ...s,
        type: 'object',
        properties: props,
        'x-kubernetes-group-version-kind': gvkExt(d, version),
      };
      if (d.virtual) continue;
      const prefix = d.group === '' ? `/api/${version}` : `/apis/${d.group}/${version}`;
      const item = d.namespaced ? `${prefix}/namespaces/{namespace}/${d.plural}/{name}` : `${prefix}/${d.plural}/{name}`;
      const consumes = ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml'];
      const ext = { 'x-kubernetes-group-version-kind': { group: d.group, kind: d.kind, version } };
      const ref = { $ref: `#/definitions/${schemaName(d, version)}` };
      const param = (name: string) => ({ uniqueItems: true, type: 'string', name, in: 'query' });
      paths[item] = {
        get: {
          operationId: `read${d.kind}`,
          produces: ['application/json'],
          responses: { '200': { description: 'OK', schema: ref } },
          'x-kubernetes-action': 'get',
          ...ext,
        },
        patch: {
          operationId: `patch${d.kind}`,
          consumes,
          produces: ['application/json'],
          parameters: [param('dryRun'), param('fieldManager'), param('fieldValidation'), param('force')],
          responses: { '200': { description: 'OK', schema: ref } },
          'x-kubernetes-action': 'patch',
          ...ext,
        },
      };
    }
  }
  return { swagger: '2.0', info: { title: 'Kubernetes', version: 'v1.32.4-sim' }, paths, definitions };
}

// ---- protobuf encoding of gnostic's openapi_v2.Document -------------------------------------

class Pb {
  private parts: Buffer[] = [];
  private size = 0;

  private push(b: Buffer): void {
    this.parts.push(b);
    this.size += b.length;
  }

  private varint(n: number): void {
    const bytes: number[] = [];
    let v = n;
    while (v > 0x7f) {
      bytes.push((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    bytes.push(v);
    this.push(Buffer.from(bytes));
  }

  private tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  string(field: number, s: string | undefined): this {
    if (s === undefined || s === '') return this;
    const b = Buffer.from(s, 'utf8');
    this.tag(field, 2);
    this.varint(b.length);
    this.push(b);
    return this;
  }

  strings(field: number, list: unknown): this {
    if (Array.isArray(list)) for (const s of list) this.string(field, String(s));
    return this;
  }

  bool(field: number, v: unknown): this {
    if (v !== true) return this;
    this.tag(field, 0);
    this.varint(1);
    return this;
  }

  int(field: number, v: unknown): this {
    if (typeof v !== 'number' || v <= 0) return this;
    this.tag(field, 0);
    this.varint(Math.floor(v));
    return this;
  }

  double(field: number, v: unknown): this {
    if (typeof v !== 'number') return this;
    const b = Buffer.alloc(8);
    b.writeDoubleLE(v);
    this.tag(field, 1);
    this.push(b);
    return this;
  }

  message(field: number, m: Pb | undefined): this {
    if (!m) return this;
    const b = m.bytes();
    this.tag(field, 2);
    this.varint(b.length);
    this.push(b);
    return this;
  }

  bytes(): Buffer {
    return Buffer.concat(this.parts, this.size);
  }
}

/** Any { yaml = 2 } */
function anyYaml(v: unknown): Pb {
  return new Pb().string(2, yaml.dump(v, { lineWidth: -1 }).trimEnd());
}

function namedAny(name: string, v: unknown): Pb {
  return new Pb().string(1, name).message(2, anyYaml(v));
}

function schemaPb(s: V2Schema): Pb {
  const m = new Pb();
  m.string(1, s.$ref as string | undefined);
  m.string(2, s.format as string | undefined);
  m.string(4, s.description as string | undefined);
  m.double(7, s.maximum);
  m.bool(8, s.exclusiveMaximum);
  m.double(9, s.minimum);
  m.bool(10, s.exclusiveMinimum);
  m.int(11, s.maxLength);
  m.int(12, s.minLength);
  m.string(13, s.pattern as string | undefined);
  m.int(14, s.maxItems);
  m.int(15, s.minItems);
  m.strings(19, s.required);
  if (Array.isArray(s.enum)) for (const e of s.enum) m.message(20, anyYaml(e));
  if (isObject(s.additionalProperties)) m.message(21, new Pb().message(1, schemaPb(s.additionalProperties as V2Schema)));
  else if (s.additionalProperties === true) m.message(21, new Pb().bool(2, true));
  if (typeof s.type === 'string') m.message(22, new Pb().string(1, s.type));
  if (isObject(s.items)) m.message(23, new Pb().message(1, schemaPb(s.items as V2Schema)));
  if (isObject(s.properties)) {
    const props = new Pb();
    for (const [k, v] of Object.entries(s.properties)) props.message(1, new Pb().string(1, k).message(2, schemaPb(v as V2Schema)));
    m.message(25, props);
  }
  for (const [k, v] of Object.entries(s)) if (k.startsWith('x-')) m.message(31, namedAny(k, v));
  return m;
}

function operationPb(op: Record<string, unknown>): Pb {
  const m = new Pb();
  m.string(5, op.operationId as string | undefined);
  m.strings(6, op.produces);
  m.strings(7, op.consumes);
  if (Array.isArray(op.parameters)) {
    for (const p of op.parameters as Array<Record<string, unknown>>) {
      // ParametersItem{parameter=1: Parameter{non_body_parameter=2: NonBodyParameter{query=3: {in=2,name=4,type=6,unique_items=20}}}}
      const q = new Pb()
        .string(2, 'query')
        .string(4, p.name as string)
        .string(6, 'string')
        .bool(20, true);
      m.message(8, new Pb().message(1, new Pb().message(2, new Pb().message(3, q))));
    }
  }
  // Responses{response_code=1: NamedResponseValue{name=1, value=2: ResponseValue{response=1: Response{description=1}}}}
  m.message(9, new Pb().message(1, new Pb().string(1, '200').message(2, new Pb().message(1, new Pb().string(1, 'OK')))));
  for (const [k, v] of Object.entries(op)) if (k.startsWith('x-')) m.message(13, namedAny(k, v));
  return m;
}

const PATH_OPS: Record<string, number> = { get: 2, put: 3, post: 4, delete: 5, patch: 8 };

export function encodeV2Protobuf(doc: Record<string, unknown>): Buffer {
  const m = new Pb();
  m.string(1, doc.swagger as string);
  const info = doc.info as { title: string; version: string };
  m.message(2, new Pb().string(1, info.title).string(2, info.version));
  const paths = new Pb();
  for (const [p, item] of Object.entries(doc.paths as Record<string, Record<string, Record<string, unknown>>>)) {
    const pi = new Pb();
    for (const [verb, op] of Object.entries(item)) {
      const f = PATH_OPS[verb];
      if (f) pi.message(f, operationPb(op));
    }
    paths.message(2, new Pb().string(1, p).message(2, pi));
  }
  m.message(8, paths);
  const defs = new Pb();
  for (const [name, s] of Object.entries(doc.definitions as Record<string, V2Schema>)) {
    defs.message(1, new Pb().string(1, name).message(2, schemaPb(s)));
  }
  m.message(9, defs);
  return m.bytes();
}

const cache = new WeakMap<object, Buffer>();

export function openapiV2Protobuf(reg: Registry, api: OpenApi): Buffer {
  let b = cache.get(api);
  if (!b) {
    b = encodeV2Protobuf(api.v2Doc());
    cache.set(api, b);
  }
  void reg;
  return b;
}
