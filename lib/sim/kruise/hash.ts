/**
 * Hashes Kruise writes: the SidecarSet hash annotations (§3.2) and ControllerRevision names (§3.1).
 * The SidecarSet hash may be any deterministic hash over the same inputs (reference §3.2): here
 * sha256 over canonical JSON, encoded like Kruise's SafeEncodeString.
 */
import { createHash } from 'node:crypto';
import type { SidecarContainer, SidecarSetSpec } from '@/lib/fleet/k8s-types';
import { canonicalJson } from '@/lib/fleet/rollout-planner';

const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** Kubernetes' rand.SafeEncodeString: every character mapped into an alphabet without vowels. */
export function safeEncode(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += SAFE_ALPHABET[s.charCodeAt(i) % SAFE_ALPHABET.length];
  return out;
}

/** FNV-1 32-bit (Go's hash/fnv New32), over UTF-8 bytes. */
export function fnv32(data: string): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(data, 'utf8')) {
    h = Math.imul(h, 0x01000193) >>> 0;
    h = (h ^ b) >>> 0;
  }
  return h >>> 0;
}

/** history.HashControllerRevision: fnv32 over the data bytes and the collision count, safe-encoded. */
export function controllerRevisionHash(dataJson: string, collisionCount: number): string {
  return safeEncode(String(fnv32(dataJson + (collisionCount > 0 ? String(collisionCount) : ''))));
}

/** `<prefix>-<hash>`, the prefix cut so the name stays within 253 characters. */
export function controllerRevisionName(prefix: string, hash: string): string {
  const p = prefix.length > 223 ? prefix.slice(0, 223) : prefix;
  return `${p}-${hash}`;
}

function isNativeSidecar(c: SidecarContainer): boolean {
  return c.restartPolicy === 'Always';
}

function hashInput(spec: SidecarSetSpec, withImage: boolean): unknown {
  const strip = (cs: SidecarContainer[] | undefined) => (cs ?? []).map((c) => (withImage ? c : { ...c, image: '' }));
  const input: Record<string, unknown> = { containers: strip(spec.containers) };
  // (quirk) the whole initContainers list counts, but only if one of them is a native sidecar.
  if ((spec.initContainers ?? []).some(isNativeSidecar)) input.initContainers = strip(spec.initContainers);
  return input;
}

function sha256SafeHex(value: unknown): string {
  return safeEncode(createHash('sha256').update(canonicalJson(value)).digest('hex'));
}

/** `kruise.io/sidecarset-hash`. */
export function sidecarSetSpecHash(spec: SidecarSetSpec): string {
  return sha256SafeHex(hashInput(spec, true));
}

/** `kruise.io/sidecarset-hash-without-image`. */
export function sidecarSetSpecHashWithoutImage(spec: SidecarSetSpec): string {
  return sha256SafeHex(hashInput(spec, false));
}
