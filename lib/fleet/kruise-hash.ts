/**
 * What Kruise hashes for a SidecarSet (pkg/control/sidecarcontrol/hash.go, `encodeSidecarSet`):
 * `spec.containers`, plus the whole `spec.initContainers` when one of them is a native sidecar
 * (restartPolicy Always). The without-image hash blanks every image first. The built-in cluster
 * digests this text into `kruise.io/sidecarset-hash(-without-image)`; the rollout planner compares
 * it to tell a rollback to a stored revision from a new spec.
 */
import { isNativeSidecar } from './containers';
import { canonicalJson } from './json';
import type { SidecarContainer, SidecarSetSpec } from './k8s-types';

/** The hash input as canonical JSON (keys sorted, as Go's json.Marshal of a map sorts them). */
export function sidecarSetHashInput(spec: SidecarSetSpec, withImage: boolean): string {
  const strip = (cs: SidecarContainer[] | undefined) => (cs ?? []).map((c) => (withImage ? c : { ...c, image: '' }));
  const input: Record<string, unknown> = { containers: strip(spec.containers) };
  if ((spec.initContainers ?? []).some(isNativeSidecar)) input.initContainers = strip(spec.initContainers);
  return canonicalJson(input);
}
