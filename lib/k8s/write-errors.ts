import 'server-only';
import type { Identity } from './config';
import { PATCH_DOES_NOT_APPLY } from '@/lib/fleet/json-patch';
import type { K8sError } from './errors';

/** What a write's failure means to the person who asked for it, keeping its kind. */

export const CONFLICT_MESSAGE = 'Conflict: the SidecarSet changed since you loaded it. Nothing was changed; look at it again and retry.';

/**
 * A JSON Patch that did not apply: kube-apiserver answers 422 with one generic message and no
 * details, whatever failed. The dashboard's patches are built from what the user saw and guarded by
 * `test` operations, so this means the SidecarSet changed since (or a path it relied on vanished).
 */
function isFailedJsonPatch(err: K8sError): boolean {
  return err.code === 422 && err.message === PATCH_DOES_NOT_APPLY;
}

/** Maps a write failure to the message the user sees, keeping its kind. */
export function describeWriteError(err: K8sError, ctx: { identity: Identity; what: string; sidecarSet: string }): K8sError {
  if (err.code === 409 || isFailedJsonPatch(err)) return { ...err, kind: 'Conflict', message: CONFLICT_MESSAGE };
  if (err.code === 403) {
    return { ...err, kind: 'Forbidden', message: `Forbidden: ${ctx.identity.user} may not ${ctx.what}. ${err.message}` };
  }
  if (err.code === 404) {
    return { ...err, message: `Not found: the SidecarSet ${ctx.sidecarSet} no longer exists.` };
  }
  if (err.code === 500 && /admission webhook .* denied the request/.test(err.message)) {
    return { ...err, kind: 'Invalid', message: err.message };
  }
  if (err.code === 422) return { ...err, message: `Invalid: ${err.message}` };
  if (err.kind === 'Unavailable') {
    return {
      ...err,
      message: `The cluster did not answer (${err.message}). The change may or may not have been applied: look at the SidecarSet before trying again.`,
    };
  }
  return err;
}
