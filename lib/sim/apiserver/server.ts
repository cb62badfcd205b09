/**
 * The HTTP surface of the built-in cluster: routing of the Kubernetes REST paths, authentication
 * and RBAC, the verbs (get, list, watch, create, update, patch, delete, deletecollection),
 * Table output, discovery, OpenAPI, access reviews, fault injection and `Status` errors.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import yaml from 'js-yaml';
import { jsonPatch, mergePatch, PatchRejected } from '@/lib/fleet/json-patch';
import { ApiError, type KObject } from '../types';
import { apiGroup, apiGroupList, apiResourceList, apiVersions, SERVER_VERSION } from './discovery';
import {
  badRequest,
  internal,
  methodNotAllowed,
  notFound,
  pathNotFound,
  qualifiedResource,
  statusBody,
  unauthorized,
  unsupportedPatch,
} from './errors';
import { type Faults, type FaultsRequest, outageActive, parseFaults } from './faults';
import type { OpenApi } from './openapi';
import { openapiV2Protobuf } from './openapi-v2';
import { strategicMergePatch } from './patch';
import { decodeProtobufObject } from './protobuf';
import type { Rbac, RequestAttributes, SimUser } from './rbac';
import { apiVersionOf, type ResourceDef } from './resources';
import type { FieldValidation, MemStore, StoreWriteOptions } from './store';
import { type IncludeObject, toTable } from './tables';
import { clone, isObject, type JsonObject, sleep } from './util';
import { WatchHub } from './watch';

export interface ApiServerOptions {
  store: MemStore;
  rbac: Rbac;
  openapi: OpenApi;
  /** host:port for /api's serverAddressByClientCIDRs. */
  serverAddress: () => string;
  /** Interval of BOOKMARK events on watches that allow them. */
  bookmarkIntervalMs?: number;
  faults?: Faults;
  log?: (line: string) => void;
}

interface Route {
  def: ResourceDef;
  group: string;
  version: string;
  namespace?: string;
  name?: string;
  subresource?: string;
  /** Legacy /watch/ path prefix. */
  legacyWatch: boolean;
}

const PATCH_TYPES = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;

export class ApiServer {
  readonly store: MemStore;
  readonly rbac: Rbac;
  readonly watches: WatchHub;
  private openapi: OpenApi;
  private faults: Faults = {};
  private dropTimer?: NodeJS.Timeout;
  private serverAddress: () => string;
  private log: (line: string) => void;

  constructor(opts: ApiServerOptions) {
    this.store = opts.store;
    this.rbac = opts.rbac;
    this.openapi = opts.openapi;
    this.serverAddress = opts.serverAddress;
    this.log = opts.log ?? (() => {});
    this.watches = new WatchHub(this.store, { bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 5000 });
    if (opts.faults) this.setFaults(opts.faults);
  }

  getFaults(): Faults {
    return { ...this.faults };
  }

  /** Replaces the fault settings (one-shot actions in the request are carried out). */
  setFaults(req: FaultsRequest): Faults {
    const next: Faults = req.reset ? {} : { ...this.faults };
    for (const [k, v] of Object.entries(req)) {
      if (k === 'reset' || k === 'dropWatchesNow' || k === 'expireWatchesNow' || k === 'outageSeconds') continue;
      (next as Record<string, unknown>)[k] = v;
    }
    if (req.outageSeconds !== undefined) next.outageUntil = new Date(Date.now() + req.outageSeconds * 1000).toISOString();
    this.faults = next;
    if (this.dropTimer) clearInterval(this.dropTimer);
    this.dropTimer = undefined;
    if (next.dropWatchesEverySeconds && next.dropWatchesEverySeconds > 0) {
      this.dropTimer = setInterval(() => this.watches.dropAll(), next.dropWatchesEverySeconds * 1000);
      this.dropTimer.unref();
    }
    if (req.dropWatchesNow) this.watches.dropAll();
    if (req.expireWatchesNow) this.watches.expireAll();
    return this.getFaults();
  }

  close(): void {
    if (this.dropTimer) clearInterval(this.dropTimer);
    this.watches.closeAll();
  }

  // ---- entry --------------------------------------------------------------------------------

  handle = (req: IncomingMessage, res: ServerResponse): void => {
    this.serve(req, res).catch((e) => {
      this.fail(res, e instanceof ApiError ? e : internal(e instanceof Error ? e.message : String(e)));
      if (!(e instanceof ApiError)) console.error('[sim] request failed:', e);
    });
  };

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<unknown> {
    if (process.env.SIM_LOG_REQUESTS) {
      const started = Date.now();
      res.on('finish', () => {
        console.error(
          `[sim] ${req.method} ${req.url} ${res.statusCode} ${Date.now() - started}ms ct=${req.headers['content-type'] ?? ''} accept=${req.headers.accept ?? ''}`,
        );
      });
    }
    const url = new URL(req.url ?? '/', 'https://sim');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const isFaultsEndpoint = path === '/sim/faults';
    if (!isFaultsEndpoint) {
      const f = this.faults;
      if (outageActive(f)) {
        if ((f.outageMode ?? 'reset') === 'reset') {
          req.socket.destroy();
          return;
        }
        return this.fail(res, new ApiError(503, 'ServiceUnavailable', 'the server is currently unable to handle the request'));
      }
      if (f.latencyMs || f.latencyJitterMs) await sleep((f.latencyMs ?? 0) + Math.random() * (f.latencyJitterMs ?? 0));
      if (f.errorRate && Math.random() < f.errorRate) {
        const code = f.errorCode ?? 503;
        return this.fail(
          res,
          code === 500
            ? internal('injected fault')
            : new ApiError(503, 'ServiceUnavailable', 'the server is currently unable to handle the request'),
        );
      }
    }
    if (path === '/healthz' || path === '/livez' || path === '/readyz') {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('ok');
      return;
    }
    const auth = req.headers.authorization;
    const bearer = auth?.startsWith('Bearer ') ? auth.slice(7).trim() : undefined;
    const actor = this.rbac.authenticate(bearer);
    if (!actor) return this.fail(res, unauthorized());
    let user = actor;
    const asUser = req.headers['impersonate-user'];
    if (typeof asUser === 'string' && asUser !== '') {
      // One header line per group (Node would join repeated lines with ", ").
      const groups = (req.headersDistinct['impersonate-group'] ?? []).filter((g) => g !== '');
      const as = this.rbac.impersonate(actor, asUser, groups);
      if ('forbidden' in as) return this.fail(res, new ApiError(403, 'Forbidden', as.forbidden));
      user = as.user;
    }
    const method = req.method ?? 'GET';

    if (path.startsWith('/sim/')) return this.serveSim(req, res, user, path, method);

    // Non-resource paths.
    if (path === '/version' || path === '/api' || path === '/apis' || path.startsWith('/openapi') || /^\/apis\/[^/]+$/.test(path)) {
      if (method !== 'GET') return this.fail(res, methodNotAllowed());
      if (!this.rbac.authorize(user, { verb: 'get', path }).allowed) {
        return this.fail(res, new ApiError(403, 'Forbidden', `forbidden: ${this.rbac.forbiddenMessage(user, { verb: 'get', path })}`));
      }
      return this.serveNonResource(req, res, path, url);
    }

    const route = this.route(path);
    if (!route) {
      // Discovery of one group-version: /api/v1, /apis/<g>/<v>.
      const m = /^\/api\/(v1)$/.exec(path) ?? /^\/apis\/([^/]+)\/([^/]+)$/.exec(path);
      if (m && method === 'GET') {
        const list =
          m.length === 2
            ? apiResourceList(this.store.registry, '', m[1] as string)
            : apiResourceList(this.store.registry, m[1] as string, m[2] as string);
        if (list) return this.sendJson(res, 200, list);
      }
      return this.fail(res, pathNotFound());
    }
    return this.serveResource(req, res, url, route, user, method);
  }

  private serveNonResource(req: IncomingMessage, res: ServerResponse, path: string, url: URL): unknown {
    const reg = this.store.registry;
    if (path === '/version') return this.sendJson(res, 200, SERVER_VERSION);
    if (path === '/api') return this.sendJson(res, 200, apiVersions(this.serverAddress()));
    if (path === '/apis') return this.sendJson(res, 200, apiGroupList(reg));
    if (path.startsWith('/apis/')) {
      const g = apiGroup(reg, path.slice(6));
      return g ? this.sendJson(res, 200, g) : this.fail(res, pathNotFound());
    }
    if (path === '/openapi/v3') return this.sendRaw(res, 200, this.openapi.root(), 'application/json');
    const m = /^\/openapi\/v3\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/.exec(path);
    if (m) {
      const doc = m[1] ? this.openapi.gvDoc('', m[1]) : this.openapi.gvDoc(m[2] as string, m[3] as string);
      if (!doc) return this.fail(res, pathNotFound());
      const hash = url.searchParams.get('hash');
      const headers: Record<string, string> = { ETag: `"${doc.hash}"` };
      headers['Cache-Control'] = hash === doc.hash ? 'public, immutable' : 'no-cache, private';
      return this.sendRaw(res, 200, doc.body, 'application/json', headers);
    }
    if (path === '/openapi/v2') {
      const accept = req.headers.accept ?? '';
      if (accept.includes('protobuf')) {
        const pb = openapiV2Protobuf(reg, this.openapi);
        res.writeHead(200, { 'Content-Type': 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf', 'Content-Length': pb.length });
        res.end(pb);
        return;
      }
      return this.sendRaw(res, 200, this.openapi.v2Json(), 'application/json');
    }
    return this.fail(res, pathNotFound());
  }

  private async serveSim(req: IncomingMessage, res: ServerResponse, user: SimUser, path: string, method: string): Promise<void> {
    if (path !== '/sim/faults') return this.fail(res, pathNotFound());
    // Admin only: the same check as any cluster-wide write.
    const attrs: RequestAttributes = { verb: method === 'GET' ? 'get' : 'update', path };
    if (!this.rbac.authorize(user, attrs).allowed) {
      return this.fail(res, new ApiError(403, 'Forbidden', `forbidden: ${this.rbac.forbiddenMessage(user, attrs)}`));
    }
    if (method === 'GET') return this.sendJson(res, 200, this.getFaults());
    if (method !== 'POST' && method !== 'PUT') return this.fail(res, methodNotAllowed());
    const body = await readBody(req);
    let parsed: FaultsRequest;
    try {
      parsed = parseFaults(body.length ? JSON.parse(body.toString('utf8')) : {});
    } catch (e) {
      return this.fail(res, badRequest((e as Error).message));
    }
    this.log(`[sim] faults set by ${user.name}: ${JSON.stringify(parsed)}`);
    return this.sendJson(res, 200, this.setFaults(parsed));
  }

  // ---- routing ------------------------------------------------------------------------------

  private route(path: string): Route | undefined {
    const segs = path.split('/').filter(Boolean).map(decodeURIComponent);
    let group: string;
    let version: string;
    let rest: string[];
    if (segs[0] === 'api' && segs.length >= 3) {
      group = '';
      version = segs[1] as string;
      rest = segs.slice(2);
    } else if (segs[0] === 'apis' && segs.length >= 4) {
      group = segs[1] as string;
      version = segs[2] as string;
      rest = segs.slice(3);
    } else return undefined;
    let legacyWatch = false;
    if (rest[0] === 'watch') {
      legacyWatch = true;
      rest = rest.slice(1);
    }
    let namespace: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3 && rest[2] !== 'status' && rest[2] !== 'finalize') {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const [plural, name, subresource, ...extra] = rest;
    if (!plural || extra.length) return undefined;
    const def = this.store.registry.lookup(group, version, plural);
    if (!def) return undefined;
    if (namespace !== undefined && !def.namespaced) return undefined;
    return { def, group, version, namespace, name, subresource, legacyWatch };
  }

  private verbOf(method: string, r: Route, url: URL): string {
    const watch = r.legacyWatch || isTrue(url.searchParams.get('watch'));
    switch (method) {
      case 'GET':
      case 'HEAD':
        if (watch) return 'watch';
        return r.name ? 'get' : 'list';
      case 'POST':
        return 'create';
      case 'PUT':
        return 'update';
      case 'PATCH':
        return 'patch';
      case 'DELETE':
        return r.name ? 'delete' : 'deletecollection';
      default:
        return method.toLowerCase();
    }
  }

  private async serveResource(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    r: Route,
    user: SimUser,
    method: string,
  ): Promise<unknown> {
    const verb = this.verbOf(method, r, url);
    const { def } = r;
    const attrs: RequestAttributes = {
      verb,
      apiGroup: def.group,
      resource: def.plural,
      subresource: r.subresource,
      namespace: def.plural === 'namespaces' ? r.name : r.namespace,
      name: r.name,
    };
    if (def.plural === 'namespaces') attrs.namespace = r.name;
    if (!this.rbac.authorize(user, attrs).allowed) {
      const prefix = r.name ? `${qualifiedResource(def)} "${r.name}"` : qualifiedResource(def);
      throw new ApiError(403, 'Forbidden', `${prefix} is forbidden: ${this.rbac.forbiddenMessage(user, attrs)}`, {
        ...(r.name ? { name: r.name } : {}),
        ...(def.group ? { group: def.group } : {}),
        kind: def.plural,
      });
    }
    const allowedSub =
      (r.subresource === 'status' && def.status) ||
      (r.subresource === 'scale' && def.scale) ||
      (r.subresource === 'log' && def.id === 'pods');
    if (r.subresource && !allowedSub) throw pathNotFound();
    if (!r.subresource && !def.verbs.includes(verb)) throw methodNotAllowed();

    if (def.virtual) {
      if (verb !== 'create') throw methodNotAllowed();
      const body = await readJson(req);
      return this.sendJson(res, 201, this.review(def, user, body));
    }

    const writeOpts = (): StoreWriteOptions => ({
      user: this.rbac.userInfo(user),
      dryRun: url.searchParams.getAll('dryRun').includes('All'),
      fieldValidation: fieldValidation(url),
      warnings: [],
      subresource: r.subresource === 'status' ? 'status' : undefined,
    });

    switch (verb) {
      case 'get':
        return this.get(req, res, url, r);
      case 'list':
        return this.list(req, res, url, r);
      case 'watch':
        return this.watch(req, res, url, r);
      case 'create': {
        if (r.name) throw methodNotAllowed();
        const body = await readJson(req);
        if (!isObject(body)) throw badRequest('the object provided is unrecognized (must be of type object)');
        const obj = this.incoming(body as KObject, r);
        const opts = writeOpts();
        const created = this.store.create(def.id, obj, opts);
        return this.sendObject(res, 201, this.out(created, r), opts.warnings);
      }
      case 'update': {
        const body = await readJson(req);
        if (!isObject(body)) throw badRequest('the object provided is unrecognized (must be of type object)');
        if (r.subresource === 'scale') return this.writeScale(res, r, body as JsonObject, writeOpts());
        const obj = this.incoming(body as KObject, r);
        if (obj.metadata.name !== r.name) {
          throw badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${r.name})`);
        }
        const opts = writeOpts();
        const updated = this.store.update(def.id, obj, opts);
        return this.sendObject(res, 200, this.out(updated, r), opts.warnings);
      }
      case 'patch':
        return this.patch(req, res, url, r, writeOpts());
      case 'delete':
        return this.remove(req, res, url, r, writeOpts());
      case 'deletecollection':
        return this.removeCollection(req, res, url, r, writeOpts());
      default:
        throw methodNotAllowed();
    }
  }

  // ---- verbs --------------------------------------------------------------------------------

  /** Request body → storage-ready object: checks apiVersion/kind and the namespace. */
  private incoming(body: KObject, r: Route): KObject {
    const obj = body;
    if (!isObject(obj.metadata)) obj.metadata = { name: '' };
    const want = apiVersionOf(r.group, r.version);
    if (obj.apiVersion === undefined || obj.apiVersion === '') obj.apiVersion = want;
    if (obj.kind === undefined || obj.kind === '') obj.kind = r.def.kind;
    if (obj.kind !== r.def.kind) {
      throw badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${want})`);
    }
    if (obj.apiVersion !== want && !r.def.versions.some((v) => apiVersionOf(r.group, v) === obj.apiVersion)) {
      throw badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${want})`);
    }
    if (r.def.namespaced) {
      const ns = r.namespace ?? 'default';
      if (obj.metadata.namespace && obj.metadata.namespace !== ns) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      obj.metadata.namespace = ns;
    }
    if (r.def.plural === 'namespaces' && r.name && !obj.metadata.name) obj.metadata.name = r.name;
    return obj;
  }

  /** A stored object in the version the client asked for. */
  private out(o: KObject, r: Route): KObject {
    return this.store.convert(r.def.id, o, apiVersionOf(r.group, r.version));
  }

  private mustGet(r: Route): KObject {
    const o = this.store.get(r.def.id, r.namespace, r.name as string);
    if (!o) throw notFound(r.def, r.name as string);
    return o;
  }

  private get(req: IncomingMessage, res: ServerResponse, url: URL, r: Route): unknown {
    const o = this.mustGet(r);
    if (r.subresource === 'scale') return this.sendJson(res, 200, scaleOf(o, r.def));
    if (r.subresource === 'log') {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end(podLog(o, url.searchParams.get('container') ?? undefined));
      return;
    }
    const accept = req.headers.accept ?? '';
    const outObj = this.out(o, r);
    if (wantsTable(accept)) {
      const t = toTable(r.def, r.version, [outObj], { resourceVersion: outObj.metadata.resourceVersion }, includeObject(url));
      return this.sendJson(res, 200, t);
    }
    if (wantsPartial(accept)) {
      return this.sendJson(res, 200, { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: outObj.metadata });
    }
    if (outObj === o) return this.sendRaw(res, 200, this.store.jsonBytes(o), 'application/json');
    return this.sendJson(res, 200, outObj);
  }

  private list(req: IncomingMessage, res: ServerResponse, url: URL, r: Route): unknown {
    const q = url.searchParams;
    let limit = q.get('limit') ? Number(q.get('limit')) : undefined;
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) throw badRequest(`limit: Invalid value: ${q.get('limit')}`);
    // resourceVersion=0 asks for "any" version: the real server answers from its watch cache,
    // which ignores limit and returns everything in one page.
    if (q.get('resourceVersion') === '0' && !q.get('continue')) limit = undefined;
    const page = this.store.listPage(r.def.id, {
      namespace: r.namespace,
      labelSelector: q.get('labelSelector') ?? undefined,
      fieldSelector: q.get('fieldSelector') ?? undefined,
      limit,
      continue: q.get('continue') ?? undefined,
    });
    const meta: JsonObject = { resourceVersion: page.resourceVersion };
    if (page.continue) meta.continue = page.continue;
    if (page.remainingItemCount !== undefined) meta.remainingItemCount = page.remainingItemCount;
    const accept = req.headers.accept ?? '';
    const apiVersion = apiVersionOf(r.group, r.version);
    const needsConversion = apiVersion !== apiVersionOf(r.def.group, r.def.storageVersion);
    const items = needsConversion ? page.items.map((o) => this.out(o, r)) : page.items;
    if (wantsTable(accept)) return this.sendJson(res, 200, toTable(r.def, r.version, items, meta, includeObject(url)));
    if (wantsPartial(accept)) {
      return this.sendJson(res, 200, {
        kind: 'PartialObjectMetadataList',
        apiVersion: 'meta.k8s.io/v1',
        metadata: meta,
        items: items.map((o) => ({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata })),
      });
    }
    // Items are serialized once and cached on the frozen objects: a 10,000-pod list is a join.
    const head = `{"kind":${JSON.stringify(r.def.listKind)},"apiVersion":${JSON.stringify(apiVersion)},"metadata":${JSON.stringify(meta)},"items":[`;
    const parts: Buffer[] = [Buffer.from(head)];
    const comma = Buffer.from(',');
    items.forEach((o, i) => {
      if (i > 0) parts.push(comma);
      parts.push(needsConversion ? Buffer.from(JSON.stringify(o)) : this.store.jsonBytes(o));
    });
    parts.push(Buffer.from(']}'));
    return this.sendRaw(res, 200, Buffer.concat(parts), 'application/json');
  }

  private watch(req: IncomingMessage, res: ServerResponse, url: URL, r: Route): void {
    const q = url.searchParams;
    const force = this.faults.force410NextWatch;
    if (force) {
      this.faults = { ...this.faults, force410NextWatch: false };
    }
    let fieldSelector = q.get('fieldSelector') ?? undefined;
    if (r.name) fieldSelector = [fieldSelector, `metadata.name=${r.name}`].filter(Boolean).join(',');
    this.watches.start(req, res, {
      def: r.def,
      apiVersion: apiVersionOf(r.group, r.version),
      version: r.version,
      namespace: r.namespace,
      labelSelector: q.get('labelSelector') ?? undefined,
      fieldSelector,
      resourceVersion: q.get('resourceVersion') ?? undefined,
      allowBookmarks: isTrue(q.get('allowWatchBookmarks')),
      sendInitialEvents: isTrue(q.get('sendInitialEvents')),
      timeoutSeconds: q.get('timeoutSeconds') ? Number(q.get('timeoutSeconds')) : undefined,
      table: wantsTable(req.headers.accept ?? '') ? includeObject(url) : undefined,
      forceExpired: force === 'http' ? 'http' : force ? 'stream' : undefined,
    });
  }

  private async patch(req: IncomingMessage, res: ServerResponse, url: URL, r: Route, opts: StoreWriteOptions): Promise<unknown> {
    const ctype = (req.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
    const accepted = r.def.crd
      ? [PATCH_TYPES.json, PATCH_TYPES.merge, PATCH_TYPES.apply]
      : [PATCH_TYPES.json, PATCH_TYPES.merge, PATCH_TYPES.apply, PATCH_TYPES.strategic];
    if (!(accepted as string[]).includes(ctype)) throw unsupportedPatch(accepted);
    const raw = await readBody(req);
    let patch: unknown;
    try {
      patch = ctype === PATCH_TYPES.apply ? yaml.load(raw.toString('utf8')) : JSON.parse(raw.toString('utf8'));
    } catch (e) {
      throw badRequest(`error decoding patch: ${(e as Error).message}`);
    }
    const { def } = r;
    const existing = this.store.get(def.id, r.namespace, r.name as string);
    if (!existing) {
      if (ctype === PATCH_TYPES.apply && isObject(patch) && !r.subresource) {
        // Server-side apply on a missing object creates it.
        const obj = this.incoming(clone(patch) as KObject, r);
        const created = this.store.create(def.id, obj, opts);
        return this.sendObject(res, 201, this.out(created, r), opts.warnings);
      }
      throw notFound(def, r.name as string);
    }
    if (r.subresource === 'scale') {
      const cur = scaleOf(existing, def);
      const next = applyPatch(ctype, cur, patch) as JsonObject;
      return this.writeScale(res, r, next, opts);
    }
    const current = clone(this.out(existing, r)) as KObject;
    const patched = applyPatch(ctype, current, patch) as KObject;
    if (!isObject(patched) || !isObject(patched.metadata)) throw badRequest('the patch produced an object without metadata');
    // A patch may carry a resourceVersion (optimistic concurrency); otherwise it applies to the current one.
    const patchRv =
      isObject(patch) && isObject((patch as JsonObject).metadata)
        ? ((patch as JsonObject).metadata as JsonObject).resourceVersion
        : undefined;
    patched.metadata.resourceVersion = typeof patchRv === 'string' ? patchRv : existing.metadata.resourceVersion;
    patched.metadata.name = r.name as string;
    if (def.namespaced) patched.metadata.namespace = r.namespace;
    if (patched.kind !== def.kind || !def.versions.some((v) => apiVersionOf(def.group, v) === patched.apiVersion)) {
      patched.kind = def.kind;
      patched.apiVersion = apiVersionOf(r.group, r.version);
    }
    void url;
    const updated = this.store.update(def.id, patched, opts);
    return this.sendObject(res, 200, this.out(updated, r), opts.warnings);
  }

  private writeScale(res: ServerResponse, r: Route, scale: JsonObject, opts: StoreWriteOptions): unknown {
    const replicas = isObject(scale.spec) ? scale.spec.replicas : undefined;
    if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
      throw new ApiError(
        422,
        'Invalid',
        `Scale.autoscaling "${r.name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`,
        {
          name: r.name,
          group: 'autoscaling',
          kind: 'Scale',
          causes: [
            {
              reason: 'FieldValueInvalid',
              message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`,
              field: 'spec.replicas',
            },
          ],
        },
      );
    }
    const meta = isObject(scale.metadata) ? scale.metadata : {};
    const updated = this.store.mutate(
      r.def.id,
      r.namespace,
      r.name as string,
      (o) => {
        if (typeof meta.resourceVersion === 'string' && meta.resourceVersion !== o.metadata.resourceVersion) {
          throw new ApiError(
            409,
            'Conflict',
            `Operation cannot be fulfilled on ${qualifiedResource(r.def)} "${r.name}": the object has been modified; please apply your changes to the latest version and try again`,
            {
              name: r.name,
              group: r.def.group,
              kind: r.def.plural,
            },
          );
        }
        (o.spec as JsonObject).replicas = replicas;
      },
      { ...opts, subresource: undefined },
    );
    return this.sendJson(res, 200, scaleOf(updated, r.def));
  }

  private async remove(req: IncomingMessage, res: ServerResponse, url: URL, r: Route, opts: StoreWriteOptions): Promise<void> {
    const delOpts = await deleteOptions(req, url);
    const o = this.store.delete(r.def.id, r.namespace, r.name as string, { ...opts, ...delOpts, subresource: undefined });
    const stillThere = this.store.get(r.def.id, r.namespace, r.name as string);
    return this.sendObject(res, stillThere ? 202 : 200, this.out(o, r), opts.warnings);
  }

  private async removeCollection(req: IncomingMessage, res: ServerResponse, url: URL, r: Route, opts: StoreWriteOptions): Promise<void> {
    const delOpts = await deleteOptions(req, url);
    const q = url.searchParams;
    const items = this.store.list(r.def.id, {
      namespace: r.namespace,
      labelSelector: q.get('labelSelector') ?? undefined,
      fieldSelector: q.get('fieldSelector') ?? undefined,
    });
    const deleted: KObject[] = [];
    for (const o of items) {
      try {
        deleted.push(this.store.delete(r.def.id, o.metadata.namespace, o.metadata.name, { ...opts, ...delOpts, subresource: undefined }));
      } catch (e) {
        if (!(e instanceof ApiError && e.code === 404)) throw e;
      }
    }
    return this.sendJson(res, 200, {
      kind: r.def.listKind,
      apiVersion: apiVersionOf(r.group, r.version),
      metadata: { resourceVersion: this.store.resourceVersion() },
      items: deleted.map((o) => this.out(o, r)),
    });
  }

  private review(def: ResourceDef, user: SimUser, body: unknown): JsonObject {
    const b = isObject(body) ? body : {};
    const spec = isObject(b.spec) ? b.spec : {};
    const base = { kind: def.kind, apiVersion: `${def.group}/v1`, metadata: { creationTimestamp: null }, spec };
    if (def.plural === 'selfsubjectreviews') {
      return {
        kind: def.kind,
        apiVersion: base.apiVersion,
        metadata: base.metadata,
        status: { userInfo: { username: user.name, groups: user.groups } },
      };
    }
    if (def.plural === 'selfsubjectaccessreviews') {
      const ra = isObject(spec.resourceAttributes) ? spec.resourceAttributes : undefined;
      const nra = isObject(spec.nonResourceAttributes) ? spec.nonResourceAttributes : undefined;
      if (!ra && !nra) {
        throw new ApiError(
          422,
          'Invalid',
          'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified',
          {
            group: 'authorization.k8s.io',
            kind: 'SelfSubjectAccessReview',
            causes: [
              {
                reason: 'FieldValueInvalid',
                message: 'Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified',
                field: 'spec.resourceAttributes',
              },
            ],
          },
        );
      }
      const attrs: RequestAttributes = ra
        ? {
            verb: String(ra.verb ?? ''),
            apiGroup: String(ra.group ?? ''),
            resource: String(ra.resource ?? ''),
            subresource: ra.subresource ? String(ra.subresource) : undefined,
            namespace: ra.namespace ? String(ra.namespace) : undefined,
            name: ra.name ? String(ra.name) : undefined,
          }
        : { verb: String(nra?.verb ?? ''), path: String(nra?.path ?? '') };
      const d = this.rbac.authorize(user, attrs);
      return { ...base, status: d.allowed ? { allowed: true, reason: d.reason } : { allowed: false } };
    }
    const ns = typeof spec.namespace === 'string' ? spec.namespace : '';
    const rules = this.rbac.rulesFor(user, ns);
    return { ...base, status: { ...rules, incomplete: false } };
  }

  // ---- responses ----------------------------------------------------------------------------

  private sendObject(res: ServerResponse, code: number, obj: KObject, warnings?: string[]): void {
    const headers: Record<string, string | string[]> = {};
    if (warnings?.length) headers.Warning = warnings.map((w) => `299 - ${JSON.stringify(w)}`);
    this.sendRaw(res, code, Object.isFrozen(obj) ? this.store.jsonBytes(obj) : JSON.stringify(obj), 'application/json', headers);
  }

  sendJson(res: ServerResponse, code: number, body: unknown): void {
    this.sendRaw(res, code, JSON.stringify(body), 'application/json');
  }

  private sendRaw(
    res: ServerResponse,
    code: number,
    body: string | Buffer,
    type: string,
    headers: Record<string, string | string[]> = {},
  ): void {
    if (res.headersSent) {
      res.end();
      return;
    }
    const buf = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    res.writeHead(code, {
      'Content-Type': type,
      'Content-Length': buf.length,
      'Cache-Control': 'no-cache, private',
      'X-Kubernetes-Pf-Flowschema-Uid': 'sim',
      ...headers,
    });
    res.end(buf);
  }

  private fail(res: ServerResponse, e: ApiError): void {
    if (res.headersSent) {
      res.end();
      return;
    }
    const headers: Record<string, string> = {};
    if (e.code === 503 || e.code === 429) headers['Retry-After'] = String(e.details?.retryAfterSeconds ?? 1);
    this.sendRaw(res, e.code, JSON.stringify(statusBody(e)), 'application/json', headers);
  }
}

function isTrue(v: string | null): boolean {
  return v === 'true' || v === '1';
}

function wantsTable(accept: string): boolean {
  return /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);
}

function wantsPartial(accept: string): boolean {
  return /as=PartialObjectMetadata/.test(accept);
}

function includeObject(url: URL): IncludeObject {
  const v = url.searchParams.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

function fieldValidation(url: URL): FieldValidation {
  const v = url.searchParams.get('fieldValidation');
  if (v === null || v === '') return 'Warn';
  if (v !== 'Strict' && v !== 'Warn' && v !== 'Ignore') {
    throw badRequest(`fieldValidation parameter unsupported: ${v}`);
  }
  return v;
}

function applyPatch(ctype: string, current: unknown, patch: unknown): unknown {
  try {
    return applyPatchOfType(ctype, current, patch);
  } catch (e) {
    if (e instanceof PatchRejected) throw new ApiError(e.code, e.reason, e.message, e.code === 422 ? {} : undefined);
    throw e;
  }
}

function applyPatchOfType(ctype: string, current: unknown, patch: unknown): unknown {
  switch (ctype) {
    case PATCH_TYPES.json:
      return jsonPatch(current, patch);
    case PATCH_TYPES.merge:
      if (!isObject(patch))
        throw badRequest('error decoding patch: json: cannot unmarshal array into Go value of type map[string]interface {}');
      return mergePatch(current, patch);
    case PATCH_TYPES.strategic:
      return strategicMergePatch(current, patch);
    case PATCH_TYPES.apply:
      // Server-side apply, approximated: the applied configuration is merged over the live object.
      return mergePatch(current, patch);
    default:
      throw unsupportedPatch([PATCH_TYPES.json, PATCH_TYPES.merge]);
  }
}

async function deleteOptions(req: IncomingMessage, url: URL): Promise<Partial<StoreWriteOptions>> {
  const out: Partial<StoreWriteOptions> = {};
  const body = await readBody(req);
  let b: JsonObject = {};
  if (body.length) {
    try {
      const parsed = JSON.parse(body.toString('utf8'));
      if (isObject(parsed)) b = parsed;
    } catch {
      throw badRequest('the body of the request was in an unknown format');
    }
  }
  const policy = (b.propagationPolicy as string) ?? url.searchParams.get('propagationPolicy') ?? undefined;
  if (b.orphanDependents === true || url.searchParams.get('orphanDependents') === 'true') out.propagationPolicy = 'Orphan';
  if (policy) {
    if (policy !== 'Background' && policy !== 'Foreground' && policy !== 'Orphan') {
      throw badRequest(`propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`);
    }
    out.propagationPolicy = policy;
  }
  if (isObject(b.preconditions)) {
    out.preconditions = {
      uid: typeof b.preconditions.uid === 'string' ? b.preconditions.uid : undefined,
      resourceVersion: typeof b.preconditions.resourceVersion === 'string' ? b.preconditions.resourceVersion : undefined,
    };
  }
  if (Array.isArray(b.dryRun) && b.dryRun.includes('All')) out.dryRun = true;
  return out;
}

function readBody(req: IncomingMessage, limit = 8 * 1024 * 1024): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new ApiError(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const buf = await readBody(req);
  const text = buf.toString('utf8');
  const ctype = req.headers['content-type'] ?? '';
  if (ctype.includes('protobuf')) return decodeProtobufObject(buf);
  try {
    if (/yaml/.test(ctype)) return yaml.load(text);
    return JSON.parse(text);
  } catch (e) {
    throw badRequest(`the object provided is unrecognized (${(e as Error).message})`);
  }
}

function scaleOf(o: KObject, def: ResourceDef): JsonObject {
  const spec = isObject(o.spec) ? o.spec : {};
  const status = isObject(o.status) ? o.status : {};
  const sel = isObject(spec.selector) && isObject(spec.selector.matchLabels) ? spec.selector.matchLabels : {};
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: o.metadata.name,
      namespace: o.metadata.namespace,
      uid: o.metadata.uid,
      resourceVersion: o.metadata.resourceVersion,
      creationTimestamp: o.metadata.creationTimestamp,
    },
    spec: { replicas: typeof spec.replicas === 'number' ? spec.replicas : 0 },
    status: {
      replicas: typeof status.replicas === 'number' ? status.replicas : 0,
      selector: Object.entries(sel)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(','),
    },
    ...(def ? {} : {}),
  };
}

function podLog(pod: KObject, container?: string): string {
  const spec = isObject(pod.spec) ? pod.spec : {};
  const cs = Array.isArray(spec.containers) ? (spec.containers as JsonObject[]) : [];
  const c = container ? cs.find((x) => x.name === container) : cs[0];
  if (!c) return '';
  const statuses =
    isObject(pod.status) && Array.isArray(pod.status.containerStatuses) ? (pod.status.containerStatuses as JsonObject[]) : [];
  const st = statuses.find((s) => s.name === c.name);
  const lines = [`[sim] ${pod.metadata.namespace}/${pod.metadata.name} container ${String(c.name)}: image ${String(c.image)}`];
  if (st) lines.push(`[sim] running image ${String(st.image)} (${String(st.imageID)}), restarts ${String(st.restartCount)}`);
  return `${lines.join('\n')}\n`;
}
