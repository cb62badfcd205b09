/**
 * The Kruise emulation the API server registers: the SidecarSet webhooks (defaults, hashes,
 * validation), the pod injection webhook, the SidecarSet conversion webhook and the SidecarSet
 * controller. Options exist for tests (short delays, a seeded random source) and for the parts of
 * Kruise's configuration a real cluster keeps in ConfigMaps and feature gates.
 */
import type { AdmissionPlugin, Converter, ResourceId, SimController } from '../types';
import { convertSidecarSet } from './conversion';
import { type ControllerOptions, SidecarSetController } from './controller';
import { type InjectionOptions, podInjectionWebhook, seededRandom } from './injection';
import { SIDECARSETS, sidecarSetWebhook } from './sidecarset-webhook';
import type { ValidationOptions } from './validation';

export interface KruiseEmulation {
  /** Mutating/validating webhooks: SidecarSet defaults + validation, pod injection. */
  admission: AdmissionPlugin[];
  /** Conversion webhook stand-ins, keyed by resource id ('apps.kruise.io/sidecarsets'). */
  converters: Record<ResourceId, Converter>;
  /** The SidecarSet controller. */
  controllers: SimController[];
}

export interface KruiseOptions extends ControllerOptions, Pick<ValidationOptions, 'patchPodMetadataWhitelist'> {
  /** Seed for `injectionStrategy.revision.policy: Partial` (default: Math.random). */
  seed?: number;
  featureGates?: {
    /** SidecarSetPatchPodMetadataDefaultsAllowed: skip the patchPodMetadata whitelist. */
    SidecarSetPatchPodMetadataDefaultsAllowed?: boolean;
  };
}

/**
 * Options not given fall back to environment variables, so `npm run sim` and test processes can
 * shorten Kruise's delays without new CLI flags: SIM_KRUISE_CONSISTENT_DELAY_MS,
 * SIM_KRUISE_REQUEUE_DELAY_MS, SIM_KRUISE_SEED.
 */
export function kruiseOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): KruiseOptions {
  const num = (v: string | undefined) => (v !== undefined && v !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined);
  const out: KruiseOptions = {};
  const consistent = num(env.SIM_KRUISE_CONSISTENT_DELAY_MS);
  const requeue = num(env.SIM_KRUISE_REQUEUE_DELAY_MS);
  const seed = num(env.SIM_KRUISE_SEED);
  if (consistent !== undefined) out.consistentDelayMs = consistent;
  if (requeue !== undefined) out.requeueDelayMs = requeue;
  if (seed !== undefined) out.seed = seed;
  return out;
}

export function kruiseEmulation(given: KruiseOptions = {}): KruiseEmulation {
  const options: KruiseOptions = { ...kruiseOptionsFromEnv(), ...given };
  const injection: InjectionOptions = {
    ...(options.seed !== undefined ? { random: seededRandom(options.seed) } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.kruiseNamespace ? { kruiseNamespace: options.kruiseNamespace } : {}),
  };
  const validation: ValidationOptions = {
    patchPodMetadataDefaultsAllowed: options.featureGates?.SidecarSetPatchPodMetadataDefaultsAllowed === true,
    ...(options.patchPodMetadataWhitelist ? { patchPodMetadataWhitelist: options.patchPodMetadataWhitelist } : {}),
    ...(options.kruiseNamespace ? { kruiseNamespace: options.kruiseNamespace } : {}),
  };
  return {
    admission: [sidecarSetWebhook(validation), podInjectionWebhook(injection)],
    converters: { [SIDECARSETS]: convertSidecarSet },
    controllers: [new SidecarSetController(options)],
  };
}

export { SidecarSetController } from './controller';
export type { ControllerOptions } from './controller';
