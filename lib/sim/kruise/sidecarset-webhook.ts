/**
 * The SidecarSet mutating and validating webhooks as one admission plugin: defaults and both hash
 * annotations (apis/apps/defaults/v1beta1.go, pkg/control/sidecarcontrol/hash.go), then, after the API
 * server's schema check, validation (pkg/webhook/sidecarset/validating). Denials are
 * HTTP 500 with the `admission webhook "vsidecarset.kb.io" denied the request: ` prefix.
 */
import type { SidecarSet } from '@/lib/fleet/k8s-types';
import { KRUISE } from '@/lib/fleet/k8s-types';
import { type AdmissionPlugin, ApiError, type KObject } from '../types';
import { convertSidecarSet, V1BETA1 } from './conversion';
import { defaultSidecarSet } from './defaults';
import { aggregate } from '@/lib/fleet/field-errors';
import { sidecarSetSpecHash, sidecarSetSpecHashWithoutImage } from './hash';
import { type ValidationOptions, validateConflicts, validateSidecarSet } from './validation';

export const SIDECARSETS = 'apps.kruise.io/sidecarsets';
export const VALIDATING_WEBHOOK = 'vsidecarset.kb.io';

export function webhookDenied(webhook: string, message: string): ApiError {
  return new ApiError(500, '', `admission webhook "${webhook}" denied the request: ${message}`);
}

/** Defaults plus hash annotations, on a copy. */
export function mutateSidecarSet(obj: KObject): KObject {
  const beta = convertSidecarSet(structuredClone(obj), V1BETA1);
  const ss = beta as unknown as SidecarSet;
  ss.spec ??= {};
  defaultSidecarSet(ss);
  ss.metadata.annotations = {
    ...(ss.metadata.annotations ?? {}),
    [KRUISE.sidecarSetHash]: sidecarSetSpecHash(ss.spec),
    [KRUISE.sidecarSetHashWithoutImage]: sidecarSetSpecHashWithoutImage(ss.spec),
  };
  return beta;
}

export function sidecarSetWebhook(opts: ValidationOptions = {}): AdmissionPlugin {
  return {
    name: 'kruise-sidecarset-webhook',
    resource: SIDECARSETS,
    operations: ['CREATE', 'UPDATE'],
    mutate(obj, _old, ctx) {
      // The webhooks are registered for sidecarsets, not sidecarsets/status.
      if (ctx.subresource) return undefined;
      return mutateSidecarSet(obj);
    },
    validate(obj, old, ctx) {
      if (ctx.subresource) return;
      const ss = convertSidecarSet(obj, V1BETA1) as unknown as SidecarSet;
      const before = old ? (convertSidecarSet(old, V1BETA1) as unknown as SidecarSet) : undefined;
      let errs = validateSidecarSet(ss, before, ctx.store, opts);
      if (errs.length === 0) {
        const others = ctx.store.list(SIDECARSETS) as unknown as SidecarSet[];
        errs = validateConflicts(ss, others);
      }
      if (errs.length > 0) throw webhookDenied(VALIDATING_WEBHOOK, aggregate(errs));
    },
  };
}
