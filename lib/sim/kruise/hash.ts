/**
 * Hashes Kruise writes: the SidecarSet hash annotations (pkg/control/sidecarcontrol/hash.go) and
 * ControllerRevision names (pkg/control/sidecarcontrol/history_control.go). The inputs come from
 * lib/fleet/kruise-hash.ts; the digest is Kruise's: sha256 in hex, then rand.SafeEncodeString.
 */
import { createHash } from 'node:crypto';
import type { SidecarSetSpec } from '@/lib/fleet/k8s-types';
import { sidecarSetHashInput } from '@/lib/fleet/kruise-hash';
import { fnv32, safeEncodeString } from '../apiserver/util';

/**
 * history.HashControllerRevision (k8s.io/kubernetes/pkg/controller/history/controller_history.go):
 * fnv32 over the data bytes and then the collision count, safe-encoded. Kruise always passes a
 * count (pkg/controller/sidecarset/sidecarset_processor.go), so "0" is hashed too.
 */
export function controllerRevisionHash(dataJson: string, collisionCount: number): string {
  return safeEncodeString(String(fnv32(dataJson + String(collisionCount))));
}

/** `<prefix>-<hash>`, the prefix cut so the name stays within 253 characters. */
export function controllerRevisionName(prefix: string, hash: string): string {
  const p = prefix.length > 223 ? prefix.slice(0, 223) : prefix;
  return `${p}-${hash}`;
}

function sha256SafeHex(text: string): string {
  return safeEncodeString(createHash('sha256').update(text).digest('hex'));
}

/** `kruise.io/sidecarset-hash`. */
export function sidecarSetSpecHash(spec: SidecarSetSpec): string {
  return sha256SafeHex(sidecarSetHashInput(spec, true));
}

/** `kruise.io/sidecarset-hash-without-image`. */
export function sidecarSetSpecHashWithoutImage(spec: SidecarSetSpec): string {
  return sha256SafeHex(sidecarSetHashInput(spec, false));
}
