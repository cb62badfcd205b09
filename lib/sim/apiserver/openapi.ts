/**
 * OpenAPI documents. kubectl 1.32 reads /openapi/v3 to learn that PATCH/PUT/POST accept
 * `fieldValidation` (then it validates server-side with ?fieldValidation=Strict) and whether a
 * kind takes strategic merge patch; `kubectl explain` reads the schemas.
 */
import { createHash } from 'node:crypto';
import type { Registry, ResourceDef } from './resources';
import { objectMeta } from './builtin-schemas';
import { openapiV2Doc } from './openapi-v2';
import { crdSchema, type Schema } from './schema';

function gvk(d: ResourceDef, version: string) {
  return { group: d.group, kind: d.kind, version };
}

const QUERY = (name: string, description: string) => ({ name, in: 'query', description, schema: { type: 'string', uniqueItems: true } });

const WRITE_PARAMS = [
  QUERY('dryRun', 'When present, indicates that modifications should not be persisted.'),
  QUERY('fieldManager', 'fieldManager is a name associated with the actor or entity that is making these changes.'),
  QUERY(
    'fieldValidation',
    'fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore - Warn (default) - Strict',
  ),
  QUERY('pretty', "If 'true', then the output is pretty printed."),
];

const LIST_PARAMS = [
  'allowWatchBookmarks',
  'continue',
  'fieldSelector',
  'labelSelector',
  'limit',
  'resourceVersion',
  'resourceVersionMatch',
  'sendInitialEvents',
  'timeoutSeconds',
  'watch',
].map((n) => QUERY(n, n));

export function schemaName(d: ResourceDef, version: string): string {
  if (d.crd) {
    const rev = d.group.split('.').reverse().join('.');
    return `${rev}.${version}.${d.kind}`;
  }
  const g = d.group === '' ? 'core' : d.group.split('.')[0];
  return `io.k8s.api.${g}.${version}.${d.kind}`;
}

function pathsFor(d: ResourceDef, version: string): Record<string, unknown> {
  const prefix = d.group === '' ? `/api/${version}` : `/apis/${d.group}/${version}`;
  const coll = d.namespaced ? `${prefix}/namespaces/{namespace}/${d.plural}` : `${prefix}/${d.plural}`;
  const item = `${coll}/{name}`;
  const ref = { $ref: `#/components/schemas/${schemaName(d, version)}` };
  const json = { 'application/json': { schema: ref } };
  const ext = { 'x-kubernetes-group-version-kind': gvk(d, version) };
  const patchContent: Record<string, unknown> = {
    'application/apply-patch+yaml': { schema: { type: 'object' } },
    'application/json-patch+json': { schema: { type: 'object' } },
    'application/merge-patch+json': { schema: { type: 'object' } },
  };
  // The server takes strategic merge patch for built-in kinds, but the documents do not say so:
  // kubectl would then compute apply patches from these (partial) schemas; without it, kubectl
  // uses its compiled-in patch metadata for built-in kinds and merge patch for custom resources.
  const ok = { '200': { description: 'OK', content: json }, '401': { description: 'Unauthorized' } };
  const id = (verb: string) => `${verb}${d.group.replace(/\W/g, '')}${version}${d.namespaced ? 'Namespaced' : ''}${d.kind}`;
  const paths: Record<string, unknown> = {};
  if (d.virtual) {
    paths[coll] = {
      post: {
        operationId: id('create'),
        requestBody: { content: json },
        responses: ok,
        'x-kubernetes-action': 'post',
        ...ext,
        parameters: WRITE_PARAMS,
      },
    };
    return paths;
  }
  paths[coll] = {
    get: { operationId: id('list'), responses: ok, 'x-kubernetes-action': 'list', ...ext, parameters: LIST_PARAMS },
    post: {
      operationId: id('create'),
      requestBody: { content: json, required: true },
      responses: ok,
      'x-kubernetes-action': 'post',
      ...ext,
      parameters: WRITE_PARAMS,
    },
  };
  paths[item] = {
    get: { operationId: id('read'), responses: ok, 'x-kubernetes-action': 'get', ...ext },
    put: {
      operationId: id('replace'),
      requestBody: { content: json, required: true },
      responses: ok,
      'x-kubernetes-action': 'put',
      ...ext,
      parameters: WRITE_PARAMS,
    },
    patch: {
      operationId: id('patch'),
      requestBody: { content: patchContent, required: true },
      responses: ok,
      'x-kubernetes-action': 'patch',
      ...ext,
      parameters: [...WRITE_PARAMS, QUERY('force', 'Force is going to "force" Apply requests.')],
    },
    delete: { operationId: id('delete'), responses: ok, 'x-kubernetes-action': 'delete', ...ext },
    parameters: [
      { name: 'name', in: 'path', required: true, schema: { type: 'string', uniqueItems: true } },
      ...(d.namespaced ? [{ name: 'namespace', in: 'path', required: true, schema: { type: 'string', uniqueItems: true } }] : []),
    ],
  };
  if (d.status) {
    paths[`${item}/status`] = {
      get: { operationId: `${id('read')}Status`, responses: ok, 'x-kubernetes-action': 'get', ...ext },
      put: {
        operationId: `${id('replace')}Status`,
        requestBody: { content: json },
        responses: ok,
        'x-kubernetes-action': 'put',
        ...ext,
        parameters: WRITE_PARAMS,
      },
      patch: {
        operationId: `${id('patch')}Status`,
        requestBody: { content: patchContent },
        responses: ok,
        'x-kubernetes-action': 'patch',
        ...ext,
        parameters: WRITE_PARAMS,
      },
    };
  }
  return paths;
}

/** Schemas of the kinds served, keyed by the component name. */
function schemasFor(reg: Registry, group: string, version: string, builtin: Record<string, Schema>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const d of reg.inGroupVersion(group, version)) {
    let s: Schema | undefined = d.crd ? crdSchema(d.crd, version) : builtin[d.id];
    s = s ? { ...s } : { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
    const props = { ...(s.properties ?? {}) };
    props.apiVersion ??= { type: 'string', description: 'APIVersion defines the versioned schema of this representation of an object.' };
    props.kind ??= { type: 'string', description: 'Kind is a string value representing the REST resource this object represents.' };
    props.metadata = { ...objectMeta, description: 'Standard object metadata.' };
    s.properties = props;
    s['x-kubernetes-group-version-kind'] = [gvk(d, version)];
    out[schemaName(d, version)] = s;
  }
  return out;
}

export class OpenApi {
  private docs = new Map<string, { body: string; hash: string }>();

  constructor(
    private reg: Registry,
    private builtin: Record<string, Schema>,
  ) {}

  private key(group: string, version: string): string {
    return group === '' ? `api/${version}` : `apis/${group}/${version}`;
  }

  gvDoc(group: string, version: string): { body: string; hash: string } | undefined {
    const k = this.key(group, version);
    let d = this.docs.get(k);
    if (d) return d;
    const defs = this.reg.inGroupVersion(group, version);
    if (defs.length === 0) return undefined;
    const paths: Record<string, unknown> = {};
    for (const def of defs) Object.assign(paths, pathsFor(def, version));
    const doc = {
      openapi: '3.0.0',
      info: { title: 'Kubernetes', version: 'v1.32.4-sim' },
      paths,
      components: {
        schemas: schemasFor(this.reg, group, version, this.builtin),
        securitySchemes: {
          BearerToken: { type: 'apiKey', description: 'Bearer Token authentication', name: 'authorization', in: 'header' },
        },
      },
    };
    const body = JSON.stringify(doc);
    const hash = createHash('sha512').update(body).digest('hex').slice(0, 128).toUpperCase();
    d = { body, hash };
    this.docs.set(k, d);
    return d;
  }

  private v2?: Record<string, unknown>;
  private v2JsonText?: string;

  v2Doc(): Record<string, unknown> {
    this.v2 ??= openapiV2Doc(this.reg, this.builtin);
    return this.v2;
  }

  v2Json(): string {
    this.v2JsonText ??= JSON.stringify(this.v2Doc());
    return this.v2JsonText;
  }

  root(): string {
    const paths: Record<string, { serverRelativeURL: string }> = {};
    const gvs: Array<[string, string]> = [['', 'v1']];
    for (const g of this.reg.groups()) for (const v of g.versions) gvs.push([g.name, v]);
    for (const [g, v] of gvs) {
      const d = this.gvDoc(g, v);
      if (!d) continue;
      const k = this.key(g, v);
      paths[k] = { serverRelativeURL: `/openapi/v3/${k}?hash=${d.hash}` };
    }
    return JSON.stringify({ paths });
  }
}
