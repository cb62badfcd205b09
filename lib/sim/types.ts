/**
 * Contracts inside the built-in cluster. The API server (lib/sim/apiserver) owns the store and the
 * HTTP surface; admission plugins and controllers (lib/sim/kruise, lib/sim/controllers) plug into
 * it through these interfaces. Controllers run in the simulator's process and use the store
 * directly, like kube-controller-manager would use its informers; the dashboard never does.
 */
import type { ObjectMeta } from '@/lib/fleet/k8s-types';

/** Any stored object, in the storage version of its resource. */
export interface KObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

/**
 * Resource ids used throughout the simulator: `<plural>` for the core group, `<group>/<plural>`
 * otherwise, e.g. 'pods', 'apps/deployments', 'apps.kruise.io/sidecarsets'.
 */
export type ResourceId = string;

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface StoreEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  resource: ResourceId;
  object: KObject;
  /** The object before a MODIFIED or DELETED event. */
  old?: KObject;
}

export interface UserInfo {
  name: string;
  groups: string[];
}

/**
 * A Kubernetes API error. The HTTP layer turns it into a `Status` object with this code/reason.
 * Admission plugins throw it to deny a request (Kruise's webhook denials are code 500).
 */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: {
      name?: string;
      group?: string;
      kind?: string;
      causes?: Array<{ reason?: string; message?: string; field?: string }>;
      retryAfterSeconds?: number;
    },
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ListOptions {
  namespace?: string;
  /** Parsed by the store: the string forms of `?labelSelector=` and `?fieldSelector=`. */
  labelSelector?: string;
  fieldSelector?: string;
}

export interface WriteOptions {
  /** Who asks; controllers act as `system:serviceaccount:kruise-system:kruise-manager` etc. */
  user?: UserInfo;
  dryRun?: boolean;
  /** 'status' to write the status subresource. */
  subresource?: string;
  /** Skip admission plugins (used when restoring saved state). */
  skipAdmission?: boolean;
}

export interface StoreReader {
  get(resource: ResourceId, namespace: string | undefined, name: string): KObject | undefined;
  list(resource: ResourceId, opts?: ListOptions): KObject[];
}

export interface Store extends StoreReader {
  /** Runs admission, fills uid/creationTimestamp/generation/resourceVersion, handles generateName. 409 AlreadyExists. */
  create(resource: ResourceId, obj: KObject, opts?: WriteOptions): KObject;
  /** Full replace. 409 Conflict when metadata.resourceVersion is set and stale; 404 if missing. */
  update(resource: ResourceId, obj: KObject, opts?: WriteOptions): KObject;
  /** GET, mutate a deep copy, UPDATE, retrying on conflict (like client-go's RetryOnConflict). */
  mutate(
    resource: ResourceId,
    namespace: string | undefined,
    name: string,
    // biome-ignore lint/suspicious/noConfusingVoidType: the function edits the object in place or returns a new one
    fn: (obj: KObject) => KObject | void,
    opts?: WriteOptions,
  ): KObject;
  /** Deletes with owner cascade (background). 404 if missing. */
  delete(resource: ResourceId, namespace: string | undefined, name: string, opts?: WriteOptions): KObject;
  /** Every committed change, synchronously after commit. Returns an unsubscribe function. */
  subscribe(listener: (ev: StoreEvent) => void): () => void;
}

export interface AdmissionContext {
  operation: 'CREATE' | 'UPDATE' | 'DELETE';
  user: UserInfo;
  subresource?: string;
  dryRun: boolean;
  store: StoreReader;
}

/**
 * An admission plugin, the stand-in for a mutating + validating webhook pair. `mutate` runs first
 * and returns the object to continue with (or void to keep it); then schema validation; then
 * `validate`, which throws ApiError to deny.
 */
export interface AdmissionPlugin {
  name: string;
  resource: ResourceId;
  operations: Array<'CREATE' | 'UPDATE' | 'DELETE'>;
  mutate?(obj: KObject, old: KObject | undefined, ctx: AdmissionContext): KObject | undefined;
  validate?(obj: KObject, old: KObject | undefined, ctx: AdmissionContext): void;
}

/**
 * Converts a custom resource between its served versions (the conversion webhook stand-in).
 * `apiVersion` is the full `group/version` wanted.
 */
export type Converter = (obj: KObject, apiVersion: string) => KObject;

/** A controller inside the simulator: started once with the store, stopped on shutdown. */
export interface SimController {
  name: string;
  start(store: Store): void;
  stop(): void;
}
