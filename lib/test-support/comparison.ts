/**
 * The oracle comparison: a scenario records observations (what it saw at each step) on each
 * cluster it runs on; afterwards the built-in cluster's observations are compared with real
 * Kruise's, leaf by leaf. A difference fails unless a pattern in the allow-list covers it, with a
 * reason (timestamps, generated names: values that differ between any two runs).
 */

/**
 * A path pattern: literal segments, `*` for one segment, `**` for any number (including none); a
 * segment holding `*` among other text is a glob on one segment (`version.sidecarset.kruise.io/*`).
 */
export type PathPattern = string[];

function segmentMatches(p: string, segment: string): boolean {
  if (p === '*' || p === segment) return true;
  if (!p.includes('*')) return false;
  const re = new RegExp(
    `^${p
      .split('*')
      .map((x) => x.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
      .join('.*')}$`,
  );
  return re.test(segment);
}

export interface AllowedDifference {
  path: PathPattern;
  reason: string;
}

export interface Difference {
  path: string[];
  real: unknown;
  builtin: unknown;
}

export class Observations {
  readonly items: Array<{ label: string; value: unknown }> = [];

  record(label: string, value: unknown): void {
    // Plain JSON: what the API returned, without class instances or undefined fields.
    this.items.push({ label, value: value === undefined ? null : JSON.parse(JSON.stringify(value)) });
  }

  /** Label → value, a repeated label numbered (`label #2`). */
  byLabel(): Map<string, unknown> {
    const out = new Map<string, unknown>();
    for (const { label, value } of this.items) {
      let key = label;
      for (let n = 2; out.has(key); n++) key = `${label} #${n}`;
      out.set(key, value);
    }
    return out;
  }
}

export function matches(pattern: PathPattern, path: string[]): boolean {
  const go = (i: number, j: number): boolean => {
    if (i === pattern.length) return j === path.length;
    const p = pattern[i];
    if (p === '**') return go(i + 1, j) || (j < path.length && go(i, j + 1));
    if (j === path.length) return false;
    return segmentMatches(p as string, path[j] as string) && go(i + 1, j + 1);
  };
  return go(0, 0);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Every leaf where the two values differ (a missing key counts as a difference at that key). */
export function diff(real: unknown, builtin: unknown, path: string[] = []): Difference[] {
  if (Array.isArray(real) && Array.isArray(builtin)) {
    const out: Difference[] = [];
    for (let i = 0; i < Math.max(real.length, builtin.length); i++) {
      if (i >= real.length || i >= builtin.length) out.push({ path: [...path, String(i)], real: real[i], builtin: builtin[i] });
      else out.push(...diff(real[i], builtin[i], [...path, String(i)]));
    }
    return out;
  }
  if (isObject(real) && isObject(builtin)) {
    const keys = [...new Set([...Object.keys(real), ...Object.keys(builtin)])];
    return keys.flatMap((k) => diff(real[k], builtin[k], [...path, k]));
  }
  return Object.is(real, builtin) ? [] : [{ path, real, builtin }];
}

/** The differences between two runs of a scenario that the allow-list does not explain. */
export function unexplained(real: Observations, builtin: Observations, allow: AllowedDifference[]): Difference[] {
  const r = real.byLabel();
  const b = builtin.byLabel();
  const labels = [...new Set([...r.keys(), ...b.keys()])];
  return labels.flatMap((label) => diff(r.get(label), b.get(label), [label])).filter((d) => !allow.some((a) => matches(a.path, d.path)));
}

export function describeDifferences(diffs: Difference[], limit = 40): string {
  const show = (v: unknown) => (v === undefined ? '(missing)' : JSON.stringify(v));
  const lines = diffs
    .slice(0, limit)
    .map((d) => `  ${d.path.join(' › ')}\n    real Kruise: ${show(d.real)}\n    built-in:    ${show(d.builtin)}`);
  if (diffs.length > limit) lines.push(`  … and ${diffs.length - limit} more`);
  return `${diffs.length} difference(s) between the built-in cluster and real Kruise not in the allow-list:\n${lines.join('\n')}`;
}
