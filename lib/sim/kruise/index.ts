// Scaffold: the Kruise engineer fills this in (issue 3). The API server registers whatever it returns.
import type { AdmissionPlugin, Converter, ResourceId, SimController } from '../types';

export interface KruiseEmulation {
  /** Mutating/validating webhooks: SidecarSet defaults + validation, pod injection. */
  admission: AdmissionPlugin[];
  /** Conversion webhook stand-ins, keyed by resource id ('apps.kruise.io/sidecarsets'). */
  converters: Record<ResourceId, Converter>;
  /** The SidecarSet controller. */
  controllers: SimController[];
}

export function kruiseEmulation(): KruiseEmulation {
  return { admission: [], converters: {}, controllers: [] };
}
