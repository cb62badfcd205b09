/**
 * The SidecarSet mutating and validating webhooks as one admission plugin: defaults and both hash
 * annotations (apis/apps/defaults/v1beta1.go, pkg/control/sidecarcontrol/hash.go), then, after the API
 * server's schema check, validation (pkg/webhook/sidecarset/validating). Denials are
 * HTTP 500 with the `admission webhook "vsidecarset.kb.io" denied the request: ` prefix.
 */
import type { SidecarSet } from '@/lib/fleet/k8s-types';
import { KRUISE } from '@/lib/fleet/k8s-types';
import { type AdmissionPlugin, ApiError, type KObject } from '../types';
import { convertSidecarSet, V1ALPHA1, V1BETA1 } from './conversion';
import { defaultSidecarSet } from './defaults';
import { aggregate } from '@/lib/fleet/field-errors';
import { goDecodeError, goMarshal } from '@/lib/fleet/go-json';
import { KRUISE_GO_TYPES } from '@/lib/fleet/kruise-go-types';
import { sidecarSetSpecHash, sidecarSetSpecHashWithoutImage } from './hash';
import { type ValidationOptions, validateConflicts, validateSidecarSet } from './validation';

export const SIDECARSETS = 'apps.kruise.io/sidecarsets';
export const VALIDATING_WEBHOOK = 'vsidecarset.kb.io';
export const MUTATING_WEBHOOK = 'msidecarset.kb.io';

/** A webhook's refusal as the API server relays it: the webhook's code, no reason. */
export function webhookDenied(webhook: string, message: string, code = 500): ApiError {
  return new ApiError(code, '', `admission webhook "${webhook}" denied the request: ${message}`);
}

/**
 * The mutating webhook first decodes the object into the Go types of the version it was sent in,
 * and answers 400 with the decoder's error when a value has the wrong JSON type (before the API
 * server's schema validation, which runs after mutating admission).
 */
function decodeError(obj: KObject): string | undefined {
  const err = goDecodeError((obj as { spec?: unknown }).spec, 'v1beta1.SidecarSetSpec', KRUISE_GO_TYPES, {
    struct: 'SidecarSet',
    path: ['spec'],
  });
  return err && obj.apiVersion === V1ALPHA1 ? err.replaceAll('v1beta1.', 'v1alpha1.') : err;
}

const goSpec = (spec: unknown) => goMarshal(spec, 'v1beta1.SidecarSetSpec', KRUISE_GO_TYPES);

/**
 * Defaults plus hash annotations, on a copy. The webhook decodes the object into Kruise's Go types
 * and answers with a patch to their re-marshalled form, so the stored spec is what Go writes:
 * fields Go omits when empty are dropped (`paused: false`), fields it always writes appear
 * (`resourcesPolicy.targetContainersMode: ""`), quantities become canonical.
 */
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
  ss.spec = JSON.parse(goSpec(ss.spec)) as SidecarSet['spec'];
  return beta;
}

/**
 * Whether the defaults and hashes changed nothing Go would see. The webhook then allows the
 * request without a patch (reflect.DeepEqual of the decoded object before and after), and the
 * object is stored as it was sent: a `paused: false` written over `paused: true` stays.
 */
function unchangedForGo(sent: KObject, mutated: KObject): boolean {
  const before = convertSidecarSet(sent, V1BETA1) as unknown as SidecarSet;
  const after = mutated as unknown as SidecarSet;
  const hashes = [KRUISE.sidecarSetHash, KRUISE.sidecarSetHashWithoutImage];
  return (
    hashes.every((k) => before.metadata.annotations?.[k] === after.metadata.annotations?.[k]) && goSpec(before.spec) === goSpec(after.spec)
  );
}

export function sidecarSetWebhook(opts: ValidationOptions = {}): AdmissionPlugin {
  return {
    name: 'kruise-sidecarset-webhook',
    resource: SIDECARSETS,
    operations: ['CREATE', 'UPDATE'],
    mutate(obj, _old, ctx) {
      // The webhooks are registered for sidecarsets, not sidecarsets/status.
      if (ctx.subresource) return undefined;
      const err = decodeError(obj);
      if (err) throw webhookDenied(MUTATING_WEBHOOK, err, 400);
      const mutated = mutateSidecarSet(obj);
      return unchangedForGo(obj, mutated) ? undefined : mutated;
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
