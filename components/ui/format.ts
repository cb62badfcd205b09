import { normalizeImageReference } from '@/lib/fleet/image-reference';

/** kubectl-style age: 45s, 12m, 3h, 5d. */
export function formatAge(iso: string | undefined, now: number = Date.now()): string {
  if (!iso) return '—';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '—';
  const s = Math.max(0, Math.floor((now - t) / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 120) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}

/**
 * One formatter for every clock: toLocaleTimeString with options makes a new one per call, a third
 * of a millisecond each, on every page render.
 */
let clock: Intl.DateTimeFormat | undefined;

/** HH:MM:SS in the viewer's locale, 24-hour. */
export function formatClock(iso: string | number): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  clock ??= new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
  return clock.format(d);
}

export function secondsSince(iso: string | undefined, now: number = Date.now()): number {
  if (!iso) return 0;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? 0 : Math.max(0, Math.round((now - t) / 1000));
}

/** `3 pods`, `1 pod`: a count and its noun. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function pct(n: number, of: number): number {
  return of > 0 ? Math.round((n / of) * 100) : 0;
}

/** Registry and repository shortened for dense cells; the full image stays in the title. */
export function shortImage(image: string): string {
  const at = image.indexOf('@');
  const noDigest = at >= 0 ? `${image.slice(0, at)}@${image.slice(at + 1, at + 20)}…` : image;
  const slash = noDigest.lastIndexOf('/');
  return slash >= 0 ? noDigest.slice(slash + 1) : noDigest;
}

/** The tag (or digest) of an image reference, for version columns; a reference that does not parse is shown as it is. */
export function imageTag(image: string): string {
  if (!normalizeImageReference(image)) return image;
  const at = image.indexOf('@');
  if (at >= 0) return image.slice(at + 1, at + 20);
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > slash ? image.slice(colon + 1) : 'latest';
}
