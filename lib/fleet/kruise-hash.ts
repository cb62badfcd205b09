/**
 * What Kruise hashes for a SidecarSet (pkg/control/sidecarcontrol/hash.go, `encodeSidecarSetV1beta1`):
 * json.Marshal of a map holding `spec.containers`, plus the whole `spec.initContainers` when one
 * of them is a native sidecar (restartPolicy Always). The map's keys come sorted, but each
 * container is a Go struct, written in its fields' declaration order with Go's omitempty rules
 * (go-json.ts). The without-image hash blanks every image first. The built-in cluster digests this
 * text into `kruise.io/sidecarset-hash(-without-image)`; the rollout planner compares it to tell a
 * rollback to a stored revision from a new spec.
 */
import { isNativeSidecar } from './containers';
import { goMarshal } from './go-json';
import type { SidecarContainer, SidecarSetSpec } from './k8s-types';
import { KRUISE_GO_TYPES } from './kruise-go-types';

/** The hash input, byte for byte what Kruise's encodeSidecarSet returns for the (defaulted) spec. */
export function sidecarSetHashInput(spec: SidecarSetSpec, withImage: boolean): string {
  const strip = (cs: SidecarContainer[] | undefined) => cs?.map((c) => (withImage ? c : { ...c, image: '' }));
  const containers = goMarshal(strip(spec.containers), '[]v1beta1.SidecarContainer', KRUISE_GO_TYPES);
  if (!(spec.initContainers ?? []).some(isNativeSidecar)) return `{"containers":${containers}}`;
  return `{"containers":${containers},"initContainers":${goMarshal(strip(spec.initContainers), '[]v1beta1.SidecarContainer', KRUISE_GO_TYPES)}}`;
}
