/**
 * Label selectors with Kubernetes semantics, in both forms: the structured `LabelSelector`
 * (matchLabels/matchExpressions) and the string form of `?labelSelector=` (`a=b,c!=d,e in (x,y),!f`).
 * Pure; used by the simulator's list filtering and Kruise emulation and by the dashboard's planner.
 */
import type { LabelSelector, Labels } from './k8s-types';

export type Operator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Equals' | 'NotEquals' | 'Gt' | 'Lt';

export interface Requirement {
  key: string;
  operator: Operator;
  values: string[];
}

export class SelectorParseError extends Error {
  override name = 'SelectorParseError';
}

/** True when a selector has neither matchLabels nor matchExpressions (Kruise rejects these). */
export function isEmptyLabelSelector(sel: LabelSelector | undefined | null): boolean {
  if (!sel) return true;
  return Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0;
}

/** Converts a structured selector to requirements. Throws SelectorParseError on a bad operator. */
export function requirementsOf(sel: LabelSelector): Requirement[] {
  const reqs: Requirement[] = [];
  for (const [key, value] of Object.entries(sel.matchLabels ?? {})) {
    reqs.push({ key, operator: 'In', values: [value] });
  }
  for (const expr of sel.matchExpressions ?? []) {
    switch (expr.operator) {
      case 'In':
      case 'NotIn':
        if (!expr.values || expr.values.length === 0) {
          throw new SelectorParseError(`values: Required value: must be specified when \`operator\` is 'In' or 'NotIn'`);
        }
        reqs.push({ key: expr.key, operator: expr.operator, values: [...expr.values] });
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (expr.values && expr.values.length > 0) {
          throw new SelectorParseError(`values: Forbidden: may not be specified when \`operator\` is 'Exists' or 'DoesNotExist'`);
        }
        reqs.push({ key: expr.key, operator: expr.operator, values: [] });
        break;
      default:
        throw new SelectorParseError(`operator: Invalid value: "${expr.operator}": not a valid selector operator`);
    }
  }
  return reqs;
}

export function matchesRequirement(req: Requirement, labels: Labels | undefined): boolean {
  const has = labels !== undefined && Object.hasOwn(labels, req.key);
  const value = has ? labels[req.key] : undefined;
  switch (req.operator) {
    case 'In':
    case 'Equals':
      return has && req.values.includes(value as string);
    case 'NotIn':
    case 'NotEquals':
      // Kubernetes: a missing key satisfies != and notin.
      return !has || !req.values.includes(value as string);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
    case 'Lt': {
      if (!has) return false;
      const n = Number(value);
      const bound = Number(req.values[0]);
      if (!Number.isInteger(n) || !Number.isInteger(bound)) return false;
      return req.operator === 'Gt' ? n > bound : n < bound;
    }
  }
}

export function matchesRequirements(reqs: readonly Requirement[], labels: Labels | undefined): boolean {
  return reqs.every((r) => matchesRequirement(r, labels));
}

/**
 * `metav1.LabelSelectorAsSelector` semantics: nil matches nothing, `{}` matches everything.
 * An invalid selector matches nothing.
 */
export function matchesLabelSelector(sel: LabelSelector | undefined | null, labels: Labels | undefined): boolean {
  if (!sel) return false;
  try {
    return matchesRequirements(requirementsOf(sel), labels);
  } catch {
    return false;
  }
}

/** Parses the string form used by `?labelSelector=`. An empty string matches everything. */
export function parseSelector(input: string): Requirement[] {
  const reqs: Requirement[] = [];
  const s = input.trim();
  if (s === '') return reqs;
  for (const part of splitTopLevel(s)) {
    const term = part.trim();
    if (term === '') throw new SelectorParseError(`invalid selector: empty term in "${input}"`);
    reqs.push(parseTerm(term, input));
  }
  return reqs;
}

/** Renders requirements back to the string form (for messages and kubectl-like output). */
export function formatSelector(sel: LabelSelector | undefined): string {
  if (!sel) return '<none>';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) parts.push(`${k}=${v}`);
  for (const e of sel.matchExpressions ?? []) {
    if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
    else parts.push(`${e.key} ${e.operator.toLowerCase()} (${(e.values ?? []).join(',')})`);
  }
  return parts.length ? parts.join(',') : '<everything>';
}

function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      out.push(s.slice(start, i));
      start = i + 1;
    }
  }
  out.push(s.slice(start));
  return out;
}

const KEY = '[A-Za-z0-9][-A-Za-z0-9_./]*';
const VALUE = '[A-Za-z0-9_.-]*';
const setRe = new RegExp(String.raw`^(${KEY})\s+(in|notin)\s*\(([^)]*)\)$`);
const eqRe = new RegExp(String.raw`^(${KEY})\s*(==|=|!=)\s*(${VALUE})$`);
const cmpRe = new RegExp(String.raw`^(${KEY})\s*(>|<)\s*(-?[0-9]+)$`);
const existsRe = new RegExp(String.raw`^(!?)\s*(${KEY})$`);

function parseTerm(term: string, whole: string): Requirement {
  let m = setRe.exec(term);
  if (m) {
    const values = (m[3] ?? '')
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v !== '');
    if (values.length === 0) throw new SelectorParseError(`invalid selector "${whole}": set must not be empty`);
    return { key: m[1] as string, operator: m[2] === 'in' ? 'In' : 'NotIn', values };
  }
  m = eqRe.exec(term);
  if (m) {
    return { key: m[1] as string, operator: m[2] === '!=' ? 'NotEquals' : 'Equals', values: [m[3] as string] };
  }
  m = cmpRe.exec(term);
  if (m) {
    return { key: m[1] as string, operator: m[2] === '>' ? 'Gt' : 'Lt', values: [m[3] as string] };
  }
  m = existsRe.exec(term);
  if (m) {
    return { key: m[2] as string, operator: m[1] === '!' ? 'DoesNotExist' : 'Exists', values: [] };
  }
  throw new SelectorParseError(`unable to parse requirement: "${term}" in selector "${whole}"`);
}
