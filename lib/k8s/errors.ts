import 'server-only';

/**
 * Errors as values at the cluster boundary. Every failure the door sees (an HTTP status with a
 * Kubernetes `Status` body, an `ApiException` from client-node, a refused socket) becomes one of
 * these kinds, so callers branch on `kind`, never on exception classes or message text.
 */
export type K8sErrorKind =
  | 'Unauthorized' // 401: credentials missing or rejected
  | 'Forbidden' // 403: RBAC said no
  | 'NotFound' // 404
  | 'Conflict' // 409: stale resourceVersion, AlreadyExists, a failed JSON Patch `test`
  | 'Gone' // 410: watch resourceVersion too old: relist
  | 'Invalid' // 422 (and 400 BadRequest, 415): the request itself is wrong
  | 'Unavailable' // 5xx, 429, timeouts, refused/reset connections: the cluster is not answering
  | 'Unknown';

export interface K8sError {
  kind: K8sErrorKind;
  /** HTTP status when there was one; undefined for network failures. */
  code?: number;
  /** Kubernetes `Status.reason` (e.g. "Forbidden", "Expired", "Conflict"). */
  reason?: string;
  message: string;
  /** Field causes of a 422 (`Status.details.causes`). */
  causes?: Array<{ field?: string; message?: string; reason?: string }>;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: K8sError };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T = never>(error: K8sError): Result<T> {
  return { ok: false, error };
}

export function kindForStatus(code: number): K8sErrorKind {
  if (code === 401) return 'Unauthorized';
  if (code === 403) return 'Forbidden';
  if (code === 404) return 'NotFound';
  if (code === 409) return 'Conflict';
  if (code === 410) return 'Gone';
  if (code === 400 || code === 415 || code === 422) return 'Invalid';
  // 429 and every 5xx: the server could not answer now; Kruise webhook denials are 500s too,
  // but those carry an `admission webhook ... denied` message and are mapped below.
  if (code === 429 || code >= 500) return 'Unavailable';
  return 'Unknown';
}

interface StatusBody {
  kind?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { causes?: Array<{ field?: string; message?: string; reason?: string }> };
}

function asStatus(body: unknown): StatusBody | undefined {
  if (typeof body === 'string') {
    try {
      return asStatus(JSON.parse(body));
    } catch {
      return undefined;
    }
  }
  if (body && typeof body === 'object') return body as StatusBody;
  return undefined;
}

/** Builds an error from an HTTP status and whatever body came with it (a `Status` object or text). */
export function errorFromStatus(code: number, body: unknown): K8sError {
  const status = asStatus(body);
  const message = status?.message || (typeof body === 'string' && body.trim() ? body.trim().slice(0, 500) : `HTTP ${code}`);
  let kind = kindForStatus(code);
  // A validating webhook's denial is an answer about the request, not an outage (Kruise answers 500).
  if (code === 500 && /admission webhook .* denied the request/.test(message)) kind = 'Invalid';
  const err: K8sError = { kind, code, message };
  if (status?.reason) err.reason = status.reason;
  if (status?.details?.causes?.length) err.causes = status.details.causes;
  return err;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'ABORT_ERR',
]);

/**
 * Maps anything thrown at the boundary (client-node's ApiException with `code` and `body`, a
 * watch error with `statusCode`, a Node socket error with `code`) to a K8sError.
 */
export function toK8sError(e: unknown): K8sError {
  if (isK8sError(e)) return e;
  if (e instanceof K8sRequestError) return e.error;
  if (e && typeof e === 'object') {
    const o = e as { code?: unknown; statusCode?: unknown; body?: unknown; message?: unknown; name?: unknown };
    const httpCode = typeof o.statusCode === 'number' ? o.statusCode : typeof o.code === 'number' ? o.code : undefined;
    if (httpCode !== undefined && httpCode >= 100) return errorFromStatus(httpCode, o.body ?? o.message);
    const msg = typeof o.message === 'string' ? o.message : String(e);
    if (typeof o.code === 'string' && NETWORK_CODES.has(o.code)) {
      return { kind: 'Unavailable', message: `${o.code}: ${msg}` };
    }
    if (o.name === 'AbortError' || o.name === 'TimeoutError') return { kind: 'Unavailable', message: msg };
    return { kind: 'Unknown', message: msg };
  }
  return { kind: 'Unknown', message: String(e) };
}

export function isK8sError(e: unknown): e is K8sError {
  return (
    !!e &&
    typeof e === 'object' &&
    typeof (e as K8sError).kind === 'string' &&
    typeof (e as K8sError).message === 'string' &&
    !(e instanceof Error)
  );
}

/** 401 and 403 never get better by asking again; retrying them only floods the audit log. */
export function isRetryable(err: K8sError): boolean {
  return err.kind === 'Unavailable' || err.kind === 'Unknown';
}

/** A thrown wrapper for the rare places that must throw (e.g. inside a stream callback). */
export class K8sRequestError extends Error {
  constructor(readonly error: K8sError) {
    super(error.message);
    this.name = 'K8sRequestError';
  }
}
