/** Constructors for the API errors the real kube-apiserver returns, with its exact messages. */
import { ApiError } from '../types';
import type { ResourceDef } from './resources';
import type { Cause } from './schema';

/** `pods` or `deployments.apps`: how the server names a resource in messages. */
export function qualifiedResource(def: Pick<ResourceDef, 'plural' | 'group'>): string {
  return def.group === '' ? def.plural : `${def.plural}.${def.group}`;
}

function details(def: Pick<ResourceDef, 'plural' | 'group'>, name?: string) {
  return { ...(name !== undefined ? { name } : {}), ...(def.group ? { group: def.group } : {}), kind: def.plural };
}

export function notFound(def: Pick<ResourceDef, 'plural' | 'group'>, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${qualifiedResource(def)} "${name}" not found`, details(def, name));
}

export function alreadyExists(def: Pick<ResourceDef, 'plural' | 'group'>, name: string): ApiError {
  return new ApiError(409, 'AlreadyExists', `${qualifiedResource(def)} "${name}" already exists`, details(def, name));
}

export function conflict(def: Pick<ResourceDef, 'plural' | 'group'>, name: string, why?: string): ApiError {
  return new ApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(def)} "${name}": ${
      why ?? 'the object has been modified; please apply your changes to the latest version and try again'
    }`,
    details(def, name),
  );
}

export function invalid(def: Pick<ResourceDef, 'kind' | 'group'>, name: string, causes: Cause[]): ApiError {
  const kind = def.group === '' ? def.kind : `${def.kind}.${def.group}`;
  const parts = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
  const msg = parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
  return new ApiError(422, 'Invalid', `${kind} "${name}" is invalid: ${msg}`, {
    name,
    ...(def.group ? { group: def.group } : {}),
    kind: def.kind,
    causes,
  });
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

export function methodNotAllowed(): ApiError {
  return new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
}

export function pathNotFound(): ApiError {
  return new ApiError(404, 'NotFound', 'the server could not find the requested resource');
}

export function expired(message: string): ApiError {
  return new ApiError(410, 'Expired', message);
}

export function unsupportedPatch(accepted: string[]): ApiError {
  return new ApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
  );
}

export function unauthorized(): ApiError {
  return new ApiError(401, 'Unauthorized', 'Unauthorized');
}

export function internal(message: string): ApiError {
  return new ApiError(500, 'InternalError', `Internal error occurred: ${message}`);
}

export function forbiddenWrite(def: Pick<ResourceDef, 'plural' | 'group'>, name: string, message: string): ApiError {
  return new ApiError(403, 'Forbidden', `${qualifiedResource(def)} "${name}" is forbidden: ${message}`, details(def, name));
}

/** The Status object the HTTP layer writes for an ApiError. */
export function statusBody(e: ApiError): Record<string, unknown> {
  const body: Record<string, unknown> = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: e.message,
  };
  // metav1.Status has `reason,omitempty`: a webhook's denial carries none.
  if (e.reason !== '') body.reason = e.reason;
  if (e.details && Object.keys(e.details).length > 0) body.details = e.details;
  body.code = e.code;
  return body;
}
