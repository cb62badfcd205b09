/**
 * The in-memory store behind the API server, standing in for etcd plus the registry strategies:
 * one global resourceVersion, a bounded event history for watch resume (older versions answer
 * 410), generateName/uid/timestamps/generation, status subresource rules, finalizers, owner
 * cascade, and the admission chain (conversion, mutating plugins, schema, validating plugins).
 *
 * Stored objects are frozen and shared: get/list return them without copying (fast at 10,000
 * pods); copy before changing (mutate() does that for you).
 */
import { matchesRequirements, parseSelector, SelectorParseError } from '@/lib/fleet/label-selector';
import {
  type AdmissionContext,
  type AdmissionPlugin,
  ApiError,
  type Converter,
  type KObject,
  type ListOptions,
  type ResourceId,
  type Store,
  type StoreEvent,
  type UserInfo,
  type WriteOptions,
} from '../types';
import { applyBuiltinDefaults, nameErrors, validateBuiltin } from './builtin';
import { GarbageCollector } from './garbage-collector';
import { alreadyExists, badRequest, conflict, expired, invalid, notFound } from './errors';
import { apiVersionOf, type Registry, type ResourceDef } from './resources';
import { applySchema, type Cause, crdSchema, type Schema } from './schema';
import { clone, deepEqual, deepFreeze, isObject, newUid, nowIso, randomSuffix } from './util';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface StoreWriteOptions extends WriteOptions {
  /** How unknown fields are treated (?fieldValidation=); default Warn, as the real server. */
  fieldValidation?: FieldValidation;
  /** Filled with warnings for the response's Warning headers. */
  warnings?: string[];
  /** Create with the given status (fleet seeding, state restore) instead of resetting it. */
  keepStatus?: boolean;
  /** The caller hands the object over (no defensive copy): bulk seeding of fresh objects. */
  owned?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
}

export interface PageOptions extends ListOptions {
  limit?: number;
  continue?: string;
}

export interface Page {
  items: KObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface HistoryEvent {
  rv: number;
  ev: StoreEvent;
}

export interface MemStoreOptions {
  registry: Registry;
  /** How many events the watch history keeps (older resourceVersions answer 410). */
  historySize?: number;
  admission?: AdmissionPlugin[];
  converters?: Record<ResourceId, Converter>;
  /** Schemas of built-in kinds for unknown-field detection (fieldValidation). */
  builtinSchemas?: Record<ResourceId, Schema>;
}

const SYSTEM_USER: UserInfo = { name: 'system:apiserver', groups: ['system:masters'] };

interface FieldReq {
  field: string;
  op: '=' | '!=';
  value: string;
}

const FIELD_LABELS: Record<string, string[]> = {
  pods: [
    'spec.nodeName',
    'status.phase',
    'spec.restartPolicy',
    'spec.schedulerName',
    'spec.serviceAccountName',
    'spec.hostNetwork',
    'status.podIP',
    'status.nominatedNodeName',
  ],
  namespaces: ['status.phase'],
  nodes: ['spec.unschedulable'],
  events: [
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'source',
    'type',
  ],
};

export class MemStore implements Store {
  readonly registry: Registry;
  private rv = 0;
  private data = new Map<ResourceId, Map<string, KObject>>();
  private sorted = new Map<ResourceId, string[]>();
  private history: HistoryEvent[] = [];
  private histStart = 0;
  private compactedRv = 0;
  private historySize: number;
  private listeners = new Set<(ev: StoreEvent) => void>();
  private queue: StoreEvent[] = [];
  private dispatching = false;
  private jsonCache = new WeakMap<object, Buffer>();
  private admission: AdmissionPlugin[];
  private converters: Record<ResourceId, Converter>;
  private builtinSchemas: Record<ResourceId, Schema>;
  private gc = new GarbageCollector(this);

  constructor(opts: MemStoreOptions) {
    this.registry = opts.registry;
    this.historySize = opts.historySize ?? 20_000;
    this.admission = [...(opts.admission ?? [])];
    this.converters = { ...(opts.converters ?? {}) };
    this.builtinSchemas = { ...(opts.builtinSchemas ?? {}) };
    for (const d of this.registry.defs) if (!d.virtual) this.data.set(d.id, new Map());
  }

  // ---- extension points -------------------------------------------------------------------

  addAdmission(plugins: AdmissionPlugin[]): void {
    this.admission.push(...plugins);
  }

  addConverters(converters: Record<ResourceId, Converter>): void {
    Object.assign(this.converters, converters);
  }

  setBuiltinSchemas(schemas: Record<ResourceId, Schema>): void {
    Object.assign(this.builtinSchemas, schemas);
  }

  /** The current global resourceVersion. */
  resourceVersion(): string {
    return String(this.rv);
  }

  /** Drops the whole watch history (tests: forces 410 for every older resourceVersion). */
  compact(): void {
    this.compactedRv = this.rv;
    this.history = [];
    this.histStart = 0;
  }

  /** The oldest resourceVersion a watch can still resume from. */
  oldestResumableRv(): number {
    return this.compactedRv;
  }

  /**
   * The JSON of a stored (frozen) object as UTF-8 bytes, made once and cached: a list of 10,000
   * pods is then one Buffer.concat, not 10,000 JSON.stringify calls.
   */
  jsonBytes(obj: KObject): Buffer {
    let b = this.jsonCache.get(obj);
    if (b === undefined) {
      b = Buffer.from(JSON.stringify(obj), 'utf8');
      if (Object.isFrozen(obj)) this.jsonCache.set(obj, b);
    }
    return b;
  }

  /** The JSON of a stored object as a string. */
  json(obj: KObject): string {
    return this.jsonBytes(obj).toString('utf8');
  }

  count(resource: ResourceId): number {
    return this.data.get(resource)?.size ?? 0;
  }

  // ---- conversion ---------------------------------------------------------------------------

  /** Converts an object to the given apiVersion (the conversion webhook stand-in). */
  convert(resource: ResourceId, obj: KObject, apiVersion: string): KObject {
    if (obj.apiVersion === apiVersion) return obj;
    const conv = this.converters[resource];
    if (conv) return conv(clone(obj), apiVersion);
    return { ...obj, apiVersion };
  }

  private storageApiVersion(def: ResourceDef): string {
    return apiVersionOf(def.group, def.storageVersion);
  }

  // ---- reads --------------------------------------------------------------------------------

  private def(resource: ResourceId): ResourceDef {
    const d = this.registry.find(resource);
    if (!d || d.virtual) throw new Error(`the store does not hold ${resource}`);
    return d;
  }

  private map(resource: ResourceId): Map<string, KObject> {
    const m = this.data.get(resource);
    if (!m) throw new Error(`the store does not hold ${resource}`);
    return m;
  }

  private static key(namespace: string | undefined, name: string): string {
    return namespace ? `${namespace}/${name}` : name;
  }

  get(resource: ResourceId, namespace: string | undefined, name: string): KObject | undefined {
    const def = this.def(resource);
    return this.map(resource).get(MemStore.key(def.namespaced ? namespace : undefined, name));
  }

  private sortedKeys(resource: ResourceId): string[] {
    let keys = this.sorted.get(resource);
    if (!keys) {
      keys = [...this.map(resource).keys()].sort();
      this.sorted.set(resource, keys);
    }
    return keys;
  }

  /** Builds a predicate for the selectors; throws 400 on a bad selector. */
  matcher(resource: ResourceId, opts: ListOptions): (o: KObject) => boolean {
    const ns = opts.namespace;
    let labelReqs: ReturnType<typeof parseSelector> = [];
    if (opts.labelSelector) {
      try {
        labelReqs = parseSelector(opts.labelSelector);
      } catch (e) {
        if (e instanceof SelectorParseError) throw badRequest(`unable to parse requirement: ${e.message}`);
        throw e;
      }
    }
    const fieldReqs = opts.fieldSelector ? parseFieldSelector(resource, opts.fieldSelector) : [];
    return (o) => {
      if (ns && o.metadata.namespace !== ns) return false;
      if (labelReqs.length && !matchesRequirements(labelReqs, o.metadata.labels)) return false;
      for (const f of fieldReqs) {
        const v = fieldValue(o, f.field);
        if (f.op === '=' ? v !== f.value : v === f.value) return false;
      }
      return true;
    };
  }

  list(resource: ResourceId, opts: ListOptions = {}): KObject[] {
    const m = this.map(resource);
    if (!opts.namespace && !opts.labelSelector && !opts.fieldSelector) return [...m.values()];
    const match = this.matcher(resource, opts);
    const out: KObject[] = [];
    for (const o of m.values()) if (match(o)) out.push(o);
    return out;
  }

  /** A list in key order with limit/continue, as the HTTP list verb serves it. */
  listPage(resource: ResourceId, opts: PageOptions = {}): Page {
    const m = this.map(resource);
    const match = this.matcher(resource, opts);
    const keys = this.sortedKeys(resource);
    let start = 0;
    let listRv = this.rv;
    if (opts.continue) {
      const tok = decodeContinue(opts.continue);
      listRv = tok.rv;
      start = lowerBound(keys, tok.start);
      if (tok.rv < this.compactedRv) {
        throw expired(
          'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
        );
      }
    }
    const limit = opts.limit && opts.limit > 0 ? opts.limit : Number.POSITIVE_INFINITY;
    const items: KObject[] = [];
    let i = start;
    for (; i < keys.length && items.length < limit; i++) {
      const o = m.get(keys[i] as string);
      if (o && match(o)) items.push(o);
    }
    const page: Page = { items, resourceVersion: String(listRv) };
    if (items.length >= limit) {
      // Is anything left? Count the rest for remainingItemCount (cheap relative to serializing).
      let remaining = 0;
      for (let j = i; j < keys.length; j++) {
        const o = m.get(keys[j] as string);
        if (o && match(o)) remaining++;
      }
      if (remaining > 0) {
        page.continue = encodeContinue(listRv, `${keys[i - 1]}\u0000`);
        if (!opts.labelSelector && !opts.fieldSelector) page.remainingItemCount = remaining;
      }
    }
    return page;
  }

  // ---- watch history ------------------------------------------------------------------------

  /**
   * Events after `rv` for one resource (all when resource is undefined). Throws 410 Expired when
   * `rv` is older than the kept history.
   */
  eventsSince(rv: number, resource?: ResourceId): HistoryEvent[] {
    if (rv < this.compactedRv) {
      throw expired(`too old resource version: ${rv} (${this.compactedRv + 1})`);
    }
    const out: HistoryEvent[] = [];
    // Binary search the first event with rv > requested.
    let lo = this.histStart;
    let hi = this.history.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.history[mid] as HistoryEvent).rv <= rv) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.history.length; i++) {
      const h = this.history[i] as HistoryEvent;
      if (!resource || h.ev.resource === resource) out.push(h);
    }
    return out;
  }

  private record(ev: StoreEvent): void {
    this.history.push({ rv: this.rv, ev });
    const live = this.history.length - this.histStart;
    if (live > this.historySize) {
      const drop = live - this.historySize;
      const last = this.history[this.histStart + drop - 1] as HistoryEvent;
      this.compactedRv = last.rv;
      this.histStart += drop;
      if (this.histStart > this.historySize) {
        this.history = this.history.slice(this.histStart);
        this.histStart = 0;
      }
    }
    this.queue.push(ev);
    if (this.dispatching) return;
    this.dispatching = true;
    try {
      // Listeners may write; their events queue up behind this one so everyone sees rv order.
      for (let i = 0; i < this.queue.length; i++) {
        const e = this.queue[i] as StoreEvent;
        for (const l of this.listeners) {
          try {
            l(e);
          } catch (err) {
            console.error('[sim] store listener failed:', err);
          }
        }
      }
    } finally {
      this.queue = [];
      this.dispatching = false;
    }
  }

  subscribe(listener: (ev: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  // ---- writes -------------------------------------------------------------------------------

  create(resource: ResourceId, input: KObject, opts: StoreWriteOptions = {}): KObject {
    const def = this.def(resource);
    const user = opts.user ?? SYSTEM_USER;
    let obj = opts.owned && !Object.isFrozen(input) ? input : clone(input);
    if (!isObject(obj.metadata)) obj.metadata = { name: '' };
    const meta = obj.metadata;
    if (!def.namespaced) delete meta.namespace;
    else if (!meta.namespace) meta.namespace = 'default';
    if (!meta.name) {
      if (meta.generateName) meta.name = `${meta.generateName}${randomSuffix()}`;
      else {
        throw invalid(def, '', [{ reason: 'FieldValueRequired', message: 'name or generateName is required', field: 'metadata.name' }]);
      }
    }
    const nameErrs = nameErrors(resource, meta.name);
    if (nameErrs.length) {
      throw invalid(
        def,
        meta.name,
        nameErrs.map((e) => ({ reason: 'FieldValueInvalid', message: `Invalid value: "${meta.name}": ${e}`, field: 'metadata.name' })),
      );
    }
    if (def.namespaced) {
      const ns = this.map('namespaces').get(meta.namespace as string);
      if (!ns) throw notFound(this.registry.get('namespaces'), meta.namespace as string);
      if (ns.metadata.deletionTimestamp) {
        throw new ApiError(
          403,
          'Forbidden',
          `${def.plural}${def.group ? `.${def.group}` : ''} "${meta.name}" is forbidden: unable to create new content in namespace ${meta.namespace} because it is being terminated`,
          { name: meta.name, ...(def.group ? { group: def.group } : {}), kind: def.plural },
        );
      }
    }
    let key = MemStore.key(meta.namespace, meta.name);
    // A generated name that is taken is drawn again, up to 8 times (RetryGenerateName, on by default
    // since Kubernetes 1.31: staging/src/k8s.io/apiserver/pkg/registry/generic/registry/store.go).
    for (let retry = 0; meta.generateName && retry < 8 && this.map(resource).has(key); retry++) {
      meta.name = `${meta.generateName}${randomSuffix()}`;
      key = MemStore.key(meta.namespace, meta.name);
    }
    if (this.map(resource).has(key)) throw alreadyExists(def, meta.name);

    obj = this.convert(resource, obj, this.storageApiVersion(def));
    obj.kind = def.kind;
    if (!opts.keepStatus) this.resetStatusOnCreate(resource, def, obj);
    obj = this.admit(def, obj, undefined, 'CREATE', user, opts);

    // System fields last, so admission cannot forge them.
    const m = obj.metadata;
    const givenUid = input.metadata.uid;
    const givenTs = input.metadata.creationTimestamp;
    m.uid = opts.keepStatus && givenUid ? givenUid : newUid();
    m.creationTimestamp = opts.keepStatus && givenTs ? givenTs : nowIso();
    if (def.hasSpec && obj.spec !== undefined) m.generation = 1;
    else delete m.generation;
    delete m.deletionTimestamp;
    if (this.map(resource).has(key)) throw alreadyExists(def, m.name);
    if (opts.dryRun) {
      m.resourceVersion = undefined;
      return deepFreeze(obj);
    }
    this.rv++;
    m.resourceVersion = String(this.rv);
    const stored = deepFreeze(reorder(obj));
    this.map(resource).set(key, stored);
    this.sorted.delete(resource);
    this.gc.index(resource, undefined, stored);
    this.record({ type: 'ADDED', resource, object: stored });
    return stored;
  }

  private resetStatusOnCreate(resource: ResourceId, def: ResourceDef, obj: KObject): void {
    switch (resource) {
      case 'pods':
        obj.status = { phase: 'Pending', qosClass: qosClass(obj) };
        return;
      case 'namespaces':
        obj.status = { phase: 'Active' };
        return;
      case 'nodes':
        return;
      default:
        if (def.status) {
          if (def.crd) delete obj.status;
          else obj.status = {};
        }
    }
  }

  update(resource: ResourceId, input: KObject, opts: StoreWriteOptions = {}): KObject {
    const def = this.def(resource);
    const user = opts.user ?? SYSTEM_USER;
    const name = input.metadata?.name;
    const namespace = def.namespaced ? input.metadata?.namespace || 'default' : undefined;
    const key = MemStore.key(namespace, name);
    const old = this.map(resource).get(key);
    if (!old) throw notFound(def, name);
    const inRv = input.metadata.resourceVersion;
    if (inRv !== undefined && inRv !== '' && inRv !== old.metadata.resourceVersion) throw conflict(def, name);
    if (input.metadata.uid && input.metadata.uid !== old.metadata.uid) {
      throw conflict(def, name, `Precondition failed: UID in precondition: ${input.metadata.uid}, UID in object meta: ${old.metadata.uid}`);
    }

    let obj = this.convert(resource, clone(input), this.storageApiVersion(def));
    obj.kind = def.kind;
    obj.metadata.namespace = namespace;
    if (!def.namespaced) delete obj.metadata.namespace;

    if (opts.subresource === 'status') {
      // A status write changes status only (plus labels/annotations for pods, as pods/status allows).
      const next = clone(old) as KObject;
      next.status = obj.status;
      if (resource === 'pods') {
        next.metadata.labels = obj.metadata.labels;
        next.metadata.annotations = obj.metadata.annotations;
        next.metadata.finalizers = obj.metadata.finalizers;
      }
      obj = next;
    } else {
      if (def.status && opts.subresource !== 'status') {
        if (old.status === undefined) delete obj.status;
        else obj.status = clone(old.status);
      }
      // Immutable metadata.
      obj.metadata.uid = old.metadata.uid;
      obj.metadata.creationTimestamp = old.metadata.creationTimestamp;
      obj.metadata.deletionTimestamp = old.metadata.deletionTimestamp;
      obj.metadata.generation = old.metadata.generation;
    }
    obj.metadata.resourceVersion = old.metadata.resourceVersion;

    obj = this.admit(def, obj, old, 'UPDATE', user, opts);
    const m = obj.metadata;
    m.uid = old.metadata.uid;
    m.creationTimestamp = old.metadata.creationTimestamp;
    m.deletionTimestamp = old.metadata.deletionTimestamp;
    m.generation = old.metadata.generation;
    if (m.generation === undefined) delete m.generation;
    if (m.deletionTimestamp === undefined) delete m.deletionTimestamp;
    if (def.hasSpec && old.metadata.generation !== undefined && specChanged(...this.inRequestVersion(resource, input, old, obj))) {
      m.generation = (old.metadata.generation ?? 0) + 1;
    }
    m.resourceVersion = old.metadata.resourceVersion;
    // Nothing changed: no new resourceVersion, no event (as the real server).
    if (deepEqual(obj, old)) return old;
    if (opts.dryRun) return deepFreeze(obj);

    // Deletion finishes when the last finalizer goes.
    if (m.deletionTimestamp && (m.finalizers ?? []).length === 0) {
      return this.remove(def, key, old, obj);
    }
    this.rv++;
    m.resourceVersion = String(this.rv);
    const stored = deepFreeze(reorder(obj));
    this.map(resource).set(key, stored);
    this.gc.index(resource, old, stored);
    this.record({ type: 'MODIFIED', resource, object: stored, old });
    return stored;
  }

  /**
   * Old and new as the request's version sees them. A custom resource's update is handled in the
   * version it was sent in (its REST storage is per served version) and only converted to the
   * storage version on write, so the generation follows that version's spec: a v1alpha1 edit of a
   * SidecarSet label that v1beta1 holds in its spec moves no generation.
   */
  private inRequestVersion(resource: ResourceId, input: KObject, old: KObject, next: KObject): [KObject, KObject] {
    const v = input.apiVersion;
    if (!v || v === old.apiVersion) return [old, next];
    return [this.convert(resource, old, v), this.convert(resource, next, v)];
  }

  mutate(
    resource: ResourceId,
    namespace: string | undefined,
    name: string,
    // biome-ignore lint/suspicious/noConfusingVoidType: the Store contract lets fn return nothing.
    fn: (obj: KObject) => KObject | void,
    opts: StoreWriteOptions = {},
  ): KObject {
    const def = this.def(resource);
    for (let attempt = 0; ; attempt++) {
      const cur = this.get(resource, namespace, name);
      if (!cur) throw notFound(def, name);
      const copy = clone(cur) as KObject;
      const next = (fn(copy) || undefined) ?? copy;
      next.metadata.resourceVersion = cur.metadata.resourceVersion;
      try {
        return this.update(resource, next, opts);
      } catch (e) {
        if (e instanceof ApiError && e.code === 409 && e.reason === 'Conflict' && attempt < 5) continue;
        throw e;
      }
    }
  }

  delete(resource: ResourceId, namespace: string | undefined, name: string, opts: StoreWriteOptions = {}): KObject {
    const def = this.def(resource);
    const user = opts.user ?? SYSTEM_USER;
    const key = MemStore.key(def.namespaced ? namespace : undefined, name);
    const old = this.map(resource).get(key);
    if (!old) throw notFound(def, name);
    const pre = opts.preconditions;
    if (pre?.uid && pre.uid !== old.metadata.uid) {
      throw conflict(def, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata.uid}`);
    }
    if (pre?.resourceVersion && pre.resourceVersion !== old.metadata.resourceVersion) {
      throw conflict(
        def,
        name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion}`,
      );
    }
    const ctx: AdmissionContext = { operation: 'DELETE', user, dryRun: !!opts.dryRun, store: this };
    for (const p of this.admission) {
      if (p.resource === resource && p.operations.includes('DELETE')) p.validate?.(old, old, ctx);
    }
    if (opts.dryRun) return old;
    const policy = opts.propagationPolicy ?? 'Background';
    if (policy === 'Orphan') this.gc.orphanDependents(old.metadata.uid as string);

    const finalizers = [...(old.metadata.finalizers ?? [])];
    if (policy === 'Foreground' && this.gc.hasDependents(old.metadata.uid as string)) finalizers.push('foregroundDeletion');
    if (resource === 'namespaces') finalizers.push('kubernetes');
    if (finalizers.length > 0) {
      if (old.metadata.deletionTimestamp) return old;
      const next = clone(old) as KObject;
      next.metadata.deletionTimestamp = nowIso();
      (next.metadata as unknown as Record<string, unknown>).deletionGracePeriodSeconds = 0;
      if (finalizers.includes('foregroundDeletion')) next.metadata.finalizers = [...(old.metadata.finalizers ?? []), 'foregroundDeletion'];
      if (resource === 'namespaces') next.status = { ...(isObject(old.status) ? old.status : {}), phase: 'Terminating' };
      this.rv++;
      next.metadata.resourceVersion = String(this.rv);
      const stored = deepFreeze(next);
      this.map(resource).set(key, stored);
      this.record({ type: 'MODIFIED', resource, object: stored, old });
      if (resource === 'namespaces') this.scheduleNamespaceCleanup(name);
      else if (finalizers.includes('foregroundDeletion')) this.gc.enqueue(old.metadata.uid as string, 'Foreground');
      return stored;
    }
    return this.remove(def, key, old, old);
  }

  private remove(def: ResourceDef, key: string, old: KObject, last: KObject): KObject {
    this.rv++;
    const gone = clone(last) as KObject;
    gone.metadata.resourceVersion = String(this.rv);
    const frozen = deepFreeze(gone);
    this.map(def.id).delete(key);
    this.sorted.delete(def.id);
    this.gc.index(def.id, old, undefined);
    this.record({ type: 'DELETED', resource: def.id, object: frozen, old });
    this.gc.enqueue(old.metadata.uid as string, 'Background');
    return frozen;
  }

  // ---- admission ----------------------------------------------------------------------------

  private admit(
    def: ResourceDef,
    input: KObject,
    old: KObject | undefined,
    operation: 'CREATE' | 'UPDATE',
    user: UserInfo,
    opts: StoreWriteOptions,
  ): KObject {
    let obj = input;
    const ctx: AdmissionContext = { operation, user, subresource: opts.subresource, dryRun: !!opts.dryRun, store: this };
    const schema = this.schemaFor(def);
    // Decode-time pruning and defaulting; unknown fields the user sent are reported here.
    // Built-in kinds: the schema only reports unknown fields and wrong types, which matters for
    // requests from clients (they carry a warnings list); in-process writers skip the walk.
    const checkSchema = schema && (def.crd || opts.warnings !== undefined || opts.fieldValidation === 'Strict');
    if (schema && checkSchema) {
      const res = applySchema(schema, obj, { prune: !!def.crd });
      this.reportUnknown(def, obj, res.unknownFields, opts);
      if (!def.crd) {
        // Built-in kinds are decoded into Go structs: a wrong type is a decoding error (400).
        const bad = res.causes.find((c) => c.reason === 'FieldValueTypeInvalid');
        if (bad) {
          const m = /must be of type ([\w-]+): "(\w+)"/.exec(bad.message);
          throw badRequest(
            `${def.kind} in version "${def.storageVersion}" cannot be handled as a ${def.kind}: json: cannot unmarshal ${m?.[2] ?? 'value'} into Go struct field .${bad.field} of type ${m?.[1] ?? 'value'}`,
          );
        }
      }
    }
    if (!def.crd) applyBuiltinDefaults(def.id, obj, operation);
    if (!opts.skipAdmission) {
      for (const p of this.admission) {
        if (p.resource !== def.id || !p.operations.includes(operation) || !p.mutate) continue;
        if (opts.subresource && def.id !== 'pods') continue;
        const out = p.mutate(obj, old, ctx);
        if (out) obj = out;
      }
    }
    let causes: Cause[] = [];
    if (schema && def.crd) {
      causes = applySchema(schema, obj).causes;
    }
    if (!def.crd) causes.push(...validateBuiltin(def.id, obj, opts.subresource === 'status' ? undefined : old));
    causes.push(...validateMeta(obj));
    if (causes.length) throw invalid(def, obj.metadata.name, causes);
    if (!opts.skipAdmission) {
      for (const p of this.admission) {
        if (p.resource !== def.id || !p.operations.includes(operation) || !p.validate) continue;
        p.validate(obj, old, ctx);
      }
    }
    return obj;
  }

  private schemaFor(def: ResourceDef): Schema | undefined {
    if (def.crd) return crdSchema(def.crd, def.storageVersion);
    return this.builtinSchemas[def.id];
  }

  private reportUnknown(def: ResourceDef, obj: KObject, unknown: string[], opts: StoreWriteOptions): void {
    if (unknown.length === 0) return;
    const mode = opts.fieldValidation ?? 'Warn';
    if (mode === 'Ignore') return;
    if (mode === 'Strict') {
      const list = unknown.map((f) => `unknown field "${f}"`).join(', ');
      const msg = def.crd
        ? `strict decoding error: ${list}`
        : `${def.kind} in version "${def.storageVersion}" cannot be handled as a ${def.kind}: strict decoding error: ${list}`;
      throw badRequest(msg);
    }
    for (const f of unknown) opts.warnings?.push(`unknown field "${f}"`);
    void obj;
  }

  /** The first stored object with this uid (owner references name owners by uid). */
  findByUid(uid: string): { resource: ResourceId; object: KObject } | undefined {
    for (const [resource, m] of this.data) {
      for (const o of m.values()) if (o.metadata.uid === uid) return { resource, object: o };
    }
    return undefined;
  }

  private scheduleNamespaceCleanup(ns: string): void {
    setImmediate(() => {
      for (const def of this.registry.defs) {
        if (!def.namespaced || def.virtual) continue;
        for (const o of this.list(def.id, { namespace: ns })) {
          try {
            this.delete(def.id, ns, o.metadata.name);
          } catch {
            // Already gone.
          }
        }
      }
      const still = this.registry.defs.some((d) => d.namespaced && !d.virtual && this.list(d.id, { namespace: ns }).length > 0);
      if (still) {
        setTimeout(() => this.scheduleNamespaceCleanup(ns), 20);
        return;
      }
      const cur = this.get('namespaces', undefined, ns);
      if (!cur) return;
      const def = this.registry.get('namespaces');
      this.remove(def, ns, cur, cur);
    });
  }

  // ---- state save/restore -------------------------------------------------------------------

  /** Everything stored, for --state. */
  snapshot(): { resourceVersion: number; objects: Array<{ resource: ResourceId; object: KObject }> } {
    const objects: Array<{ resource: ResourceId; object: KObject }> = [];
    for (const [resource, m] of this.data) for (const o of m.values()) objects.push({ resource, object: o });
    return { resourceVersion: this.rv, objects };
  }

  /** Loads a snapshot into an empty store, keeping uids, timestamps and resourceVersions. */
  restore(snap: { resourceVersion: number; objects: Array<{ resource: ResourceId; object: KObject }> }): void {
    for (const { resource, object } of snap.objects) {
      const m = this.data.get(resource);
      if (!m) continue;
      const o = deepFreeze(clone(object));
      m.set(MemStore.key(o.metadata.namespace, o.metadata.name), o);
      this.gc.index(resource, undefined, o);
      this.sorted.delete(resource);
    }
    this.rv = Math.max(this.rv, snap.resourceVersion);
    this.compactedRv = this.rv;
  }
}

function specChanged(old: KObject, next: KObject): boolean {
  const keys = new Set([...Object.keys(old), ...Object.keys(next)]);
  for (const k of keys) {
    if (k === 'metadata' || k === 'status' || k === 'apiVersion' || k === 'kind') continue;
    if (!deepEqual(old[k], next[k])) return true;
  }
  return false;
}

/** apiVersion, kind, metadata first, as the real server writes objects. */
function reorder(obj: KObject): KObject {
  const out: KObject = { apiVersion: obj.apiVersion, kind: obj.kind, metadata: obj.metadata };
  for (const k of Object.keys(obj)) if (!(k in out) && obj[k] !== undefined) out[k] = obj[k];
  return out;
}

function qosClass(pod: KObject): string {
  const spec = pod.spec as { containers?: Array<{ resources?: { requests?: object; limits?: object } }> } | undefined;
  const cs = spec?.containers ?? [];
  const any = cs.some((c) => Object.keys(c.resources?.requests ?? {}).length || Object.keys(c.resources?.limits ?? {}).length);
  if (!any) return 'BestEffort';
  const guaranteed = cs.every((c) => {
    const l = c.resources?.limits as Record<string, string> | undefined;
    const r = (c.resources?.requests ?? l) as Record<string, string> | undefined;
    return l?.cpu && l.memory && r?.cpu === l.cpu && r.memory === l.memory;
  });
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

function validateMeta(obj: KObject): Cause[] {
  const causes: Cause[] = [];
  const check = (map: Record<string, string> | undefined, field: string, values: boolean) => {
    if (map === undefined) return;
    if (!isObject(map)) {
      causes.push({ reason: 'FieldValueInvalid', message: 'Invalid value: must be a map', field });
      return;
    }
    for (const [k, v] of Object.entries(map)) {
      if (!/^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(k)) {
        causes.push({
          reason: 'FieldValueInvalid',
          message: `Invalid value: "${k}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
          field,
        });
      }
      if (typeof v !== 'string') {
        causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(v)}: must be a string`, field: `${field}` });
      } else if (values && v !== '' && !/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(v)) {
        causes.push({
          reason: 'FieldValueInvalid',
          message: `Invalid value: "${v}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
          field,
        });
      }
    }
  };
  check(obj.metadata.labels, 'metadata.labels', true);
  check(obj.metadata.annotations, 'metadata.annotations', false);
  return causes;
}

function parseFieldSelector(resource: ResourceId, s: string): FieldReq[] {
  const out: FieldReq[] = [];
  for (const part of s.split(',')) {
    const t = part.trim();
    if (!t) continue;
    const m = /^([A-Za-z0-9_.]+)\s*(==|=|!=)\s*(.*)$/.exec(t);
    if (!m) throw badRequest(`invalid selector: '${s}'; can't understand '${t}'`);
    const field = m[1] as string;
    const allowed = field === 'metadata.name' || field === 'metadata.namespace' || (FIELD_LABELS[resource] ?? []).includes(field);
    if (!allowed) throw badRequest(`field label not supported: ${field}`);
    out.push({ field, op: m[2] === '!=' ? '!=' : '=', value: (m[3] as string).trim() });
  }
  return out;
}

function fieldValue(o: KObject, path: string): string {
  let cur: unknown = o;
  for (const p of path.split('.')) {
    if (!isObject(cur)) return '';
    cur = cur[p];
  }
  if (cur === undefined || cur === null) return '';
  return String(cur);
}

function encodeContinue(rv: number, start: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start })).toString('base64url');
}

function decodeContinue(tok: string): { rv: number; start: string } {
  try {
    const o = JSON.parse(Buffer.from(tok, 'base64url').toString('utf8')) as { rv: number; start: string };
    if (typeof o.rv !== 'number' || typeof o.start !== 'string') throw new Error('bad');
    return o;
  } catch {
    throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
}

function lowerBound(keys: string[], k: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((keys[mid] as string) < k) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
