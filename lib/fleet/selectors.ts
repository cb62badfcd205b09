/**
 * SidecarSet selectors parsed once per SidecarSet object: the views check every pod against every
 * SidecarSet, and re-parsing the selectors each time cost more than the matching at 10,000 pods.
 * Same answers as kruise-pod's matchesSidecarSetSelector + matchesNamespace.
 */
import type { Pod, SidecarSet } from './k8s-types';
import { namespaceNameLabels } from './kruise-pod';
import { isEmptyLabelSelector, matchesRequirements, type Requirement, requirementsOf } from './label-selector';

interface CompiledSelectors {
  /** null: matches nothing (empty or invalid selector, as Kruise's matcher). */
  selector: Requirement[] | null;
  /** undefined: every namespace. */
  namespaceSelector?: Requirement[] | null;
  /** Verdicts per namespace, valid for the `namespaceLabels` object they were computed from. */
  namespaceVerdicts: Map<string, boolean>;
  verdictsFor?: Record<string, Record<string, string>>;
}

// The cache replaces a SidecarSet object when it changes, so the object is the key.
const compiled = new WeakMap<SidecarSet, CompiledSelectors>();

function compile(sel: SidecarSet['spec']['selector']): Requirement[] | null {
  if (!sel) return null;
  try {
    return requirementsOf(sel);
  } catch {
    return null;
  }
}

function selectorsOf(ss: SidecarSet): CompiledSelectors {
  let c = compiled.get(ss);
  if (!c) {
    c = {
      selector: isEmptyLabelSelector(ss.spec.selector) ? null : compile(ss.spec.selector),
      namespaceVerdicts: new Map(),
    };
    if (ss.spec.namespaceSelector) c.namespaceSelector = compile(ss.spec.namespaceSelector);
    compiled.set(ss, c);
  }
  return c;
}

/** Same answer as kruise-pod's matchesSidecarSetSelector + matchesNamespace, with parsed selectors. */
export function selects(ss: SidecarSet, pod: Pod, namespace: string, namespaceLabels: Record<string, Record<string, string>>): boolean {
  const c = selectorsOf(ss);
  if (!c.selector || !matchesRequirements(c.selector, pod.metadata.labels ?? {})) return false;
  if (c.namespaceSelector === undefined) return true;
  if (c.verdictsFor !== namespaceLabels) {
    c.namespaceVerdicts.clear();
    c.verdictsFor = namespaceLabels;
  }
  let v = c.namespaceVerdicts.get(namespace);
  if (v === undefined) {
    const labels = namespaceLabels[namespace] ?? namespaceNameLabels(namespace);
    v = c.namespaceSelector !== null && matchesRequirements(c.namespaceSelector, labels);
    c.namespaceVerdicts.set(namespace, v);
  }
  return v;
}
