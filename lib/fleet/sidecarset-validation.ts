/**
 * The SidecarSet checks Kruise's validating webhook `vsidecarset.kb.io` makes on selectors and on
 * `spec.updateStrategy` (pkg/webhook/sidecarset/validating/sidecarset_create_update_handler.go,
 * `validateSelector` and `validateSidecarSetUpdateStrategy`), in its order and wording. The
 * built-in cluster's webhook runs them; the dashboard runs them on a change before sending it, so
 * an invalid value never reaches a cluster and the refusal reads the same either way.
 */
import { dumpSelector, type FieldError, forbidden, invalid, isQualifiedName, isValidLabelValue, required } from './field-errors';
import { validatePositiveIntOrPercent } from './int-or-percent';
import type { IntOrString, LabelSelector, SidecarSetUpdateStrategy } from './k8s-types';
import { isEmptyLabelSelector } from './label-selector';

/** metav1validation.ValidateLabelSelector (k8s.io/apimachinery/pkg/apis/meta/v1/validation). */
export function validateLabelSelector(sel: LabelSelector, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const labels = sel.matchLabels ?? {};
  for (const k of Object.keys(labels).sort()) {
    for (const m of isQualifiedName(k)) errs.push(invalid(`${path}.matchLabels`, k, m));
    for (const m of isValidLabelValue(labels[k] ?? '')) errs.push(invalid(`${path}.matchLabels`, labels[k], m));
  }
  (sel.matchExpressions ?? []).forEach((e, i) => {
    const p = `${path}.matchExpressions[${i}]`;
    switch (e.operator) {
      case 'In':
      case 'NotIn':
        if (!e.values || e.values.length === 0) {
          errs.push(required(`${p}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
        }
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (e.values && e.values.length > 0) {
          errs.push(forbidden(`${p}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        }
        break;
      default:
        errs.push(invalid(`${p}.operator`, e.operator, 'not a valid selector operator'));
    }
    for (const m of isQualifiedName(e.key ?? '')) errs.push(invalid(`${p}.key`, e.key, m));
    (e.values ?? []).forEach((v, j) => {
      for (const m of isValidLabelValue(v)) errs.push(invalid(`${p}.values[${j}]`, v, m));
    });
  });
  return errs;
}

const EMPTY_SELECTOR = 'empty selector is not valid for sidecarset.';

/**
 * Kruise's `validateSelector`: valid, not empty, and convertible by LabelSelectorAsSelector (which
 * fails on any invalid part, reported once more on `<path>.selector` with no detail).
 */
export function validateSidecarSetSelector(sel: LabelSelector, path: string): FieldError[] {
  const errs = validateLabelSelector(sel, path);
  if (isEmptyLabelSelector(sel)) errs.push({ path, type: 'Invalid', rendered: dumpSelector(sel), detail: EMPTY_SELECTOR });
  if (errs.some((e) => e.detail !== EMPTY_SELECTOR)) {
    errs.push({ path: `${path}.selector`, type: 'Invalid', rendered: dumpSelector(sel) });
  }
  return errs;
}

/** Kruise's intStrIsSet: any string (even "0%") or a non-zero int counts as a set partition. */
export function partitionIsSet(partition: IntOrString | undefined | null): boolean {
  if (partition === undefined || partition === null) return false;
  return typeof partition === 'string' || partition !== 0;
}

/** metav1.LabelSelector's String() (k8s.io/apimachinery/pkg/apis/meta/v1/generated.pb.go). */
function selectorString(sel: LabelSelector): string {
  const labels = sel.matchLabels ?? {};
  const ml = Object.keys(labels)
    .sort()
    .map((k) => `${k}: ${labels[k]},`)
    .join('');
  const me = (sel.matchExpressions ?? [])
    .map((e) => `LabelSelectorRequirement{Key:${e.key},Operator:${e.operator},Values:[${(e.values ?? []).join(' ')}],},`)
    .join('');
  return `&LabelSelector{MatchLabels:map[string]string{${ml}},MatchExpressions:[]LabelSelectorRequirement{${me}},}`;
}

/**
 * `fmt.Sprintf("%++v", strategy)` of the *SidecarSetUpdateStrategy: fields by Go name, the
 * selector and the IntOrStrings through their String methods. A set priorityStrategy is a nested
 * pointer without one, which Go prints as its address (different every time): a placeholder here.
 */
function strategyString(us: SidecarSetUpdateStrategy): string {
  const intstr = (v: IntOrString | undefined | null) => (v === undefined || v === null ? '<nil>' : String(v));
  const scatter = (us.scatterStrategy ?? []).map((t) => `{Key:${t.key} Value:${t.value}}`).join(' ');
  return (
    `&{Type:${us.type ?? ''} Paused:${us.paused === true} Selector:${us.selector ? selectorString(us.selector) : 'nil'} ` +
    `Partition:${intstr(us.partition)} MaxUnavailable:${intstr(us.maxUnavailable)} ` +
    `PriorityStrategy:${us.priorityStrategy ? '0xc000000000' : '<nil>'} ScatterStrategy:[${scatter}]}`
  );
}

/**
 * `validateSidecarSetUpdateStrategy`: only a RollingUpdate strategy is checked. Kruise's mutating
 * webhook defaults the type before this runs, so an absent type is RollingUpdate here.
 */
export function validateSidecarSetUpdateStrategy(strategy: SidecarSetUpdateStrategy | undefined): FieldError[] {
  const us = strategy ?? {};
  if ((us.type ?? 'RollingUpdate') !== 'RollingUpdate') return [];
  const errs: FieldError[] = [];
  if (partitionIsSet(us.partition) && us.selector != null) {
    // Reported on `updateStrategy` (no `spec.`), with the strategy printed into a quoted string.
    errs.push({
      path: 'updateStrategy',
      type: 'Invalid',
      rendered: JSON.stringify(strategyString(us)),
      detail: 'Partition and Selector cannot be used together',
    });
  }
  if (us.selector != null) errs.push(...validateSidecarSetSelector(us.selector, 'spec.updateStrategy.selector'));
  if (us.partition != null) errs.push(...validatePositiveIntOrPercent(us.partition, 'spec.updateStrategy.partition'));
  if (us.maxUnavailable != null) errs.push(...validatePositiveIntOrPercent(us.maxUnavailable, 'spec.updateStrategy.maxUnavailable'));
  const ps = us.priorityStrategy;
  if (ps) {
    const pp = 'spec.updateStrategy.priorityStrategy';
    const weights = ps.weightPriority ?? [];
    const orders = ps.orderPriority ?? [];
    if (weights.length > 0 && orders.length > 0) errs.push(required(pp, 'only one of weightPriority and orderPriority can be used'));
    for (const w of weights) {
      if (w.weight < 0 || w.weight > 100) errs.push(required(pp, 'weight must be valid number in the range 1-100'));
      const sel = w.matchSelector;
      if (!sel || isEmptyLabelSelector(sel)) {
        errs.push(required(pp, 'selector can not be empty'));
      } else {
        const selErrs = validateLabelSelector(sel, `${pp}.weightPriority.matchSelector`);
        if (selErrs.length > 0) errs.push(required(pp, `invalid selector ${selErrs.map((e) => e.detail).join(', ')}`));
      }
    }
    for (const o of orders) if (!o.orderedKey) errs.push(required(pp, 'order key can not be empty'));
  }
  const seenTerms = new Set<string>();
  for (const t of us.scatterStrategy ?? []) {
    const sp = 'spec.updateStrategy.scatterStrategy';
    if (!t.key) errs.push(required(sp, 'key should not be empty'));
    const id = `${t.key}=${t.value}`;
    if (seenTerms.has(id)) errs.push(required(sp, `duplicated key=${t.key} value=${t.value}`));
    seenTerms.add(id);
  }
  return errs;
}
