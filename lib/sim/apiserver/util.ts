/** Small helpers shared by the API server pieces: freezing, names, time (JSON helpers come from lib/fleet/json.ts). */
import { randomBytes, randomUUID } from 'node:crypto';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export { clone, deepEqual, deepFreeze, isObject, type JsonObject } from '@/lib/fleet/json';

const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

let pool = Buffer.alloc(0);
let poolPos = 0;

/** The 5-character suffix the API server appends to generateName (same alphabet as upstream). */
export function randomSuffix(n = 5): string {
  if (poolPos + n > pool.length) {
    pool = randomBytes(4096);
    poolPos = 0;
  }
  let s = '';
  for (let i = 0; i < n; i++) s += NAME_ALPHABET[(pool[poolPos++] as number) % NAME_ALPHABET.length];
  return s;
}

/** apimachinery's rand.SafeEncodeString: each character mapped into the same vowel-free alphabet. */
export function safeEncodeString(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += NAME_ALPHABET[s.charCodeAt(i) % NAME_ALPHABET.length];
  return out;
}

/** FNV-1a 32-bit (Go's hash/fnv New32a, what controller.ComputeHash uses) over a string. */
export function fnv32a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** FNV-1 32-bit (Go's hash/fnv New32, what history.HashControllerRevision uses) over UTF-8 bytes. */
export function fnv32(data: string): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(data, 'utf8')) {
    h = Math.imul(h, 0x01000193) >>> 0;
    h = (h ^ b) >>> 0;
  }
  return h >>> 0;
}

export function newUid(): string {
  return randomUUID();
}

let isoSecond = 0;
let isoStamp = '';

/** RFC 3339 at second resolution, as the API serializes metav1.Time (cached per second). */
export function nowIso(): string {
  const sec = Math.floor(Date.now() / 1000);
  if (sec !== isoSecond) {
    isoSecond = sec;
    isoStamp = `${new Date(sec * 1000).toISOString().slice(0, 19)}Z`;
  }
  return isoStamp;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
