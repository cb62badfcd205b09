/**
 * Kubernetes int-or-string values that mean "a count, or a percentage of a total":
 * `maxUnavailable`, `maxSurge`, `partition`. One reading for the dashboard and the built-in cluster.
 */
import { type FieldError, invalid } from './field-errors';
import type { IntOrString } from './k8s-types';

export type ScaledValue = { value: number } | { error: string };

const ATOI = /^[+-]?[0-9]+$/;

/**
 * k8s.io/apimachinery/pkg/util/intstr GetScaledValueFromIntOrPercent: an int is itself; "N%" is
 * N% of `total`, rounded up or down; a string without '%' ("5") is an error, not 5.
 *
 * Kruise reads SidecarSet `partition` with its own copy (pkg/util/tools.go, which parses the
 * percentage as a float) and `maxUnavailable` with the deprecated intstr.GetValueFromIntOrPercent
 * (which reads "5" as 5%), both in pkg/controller/sidecarset/sidecarset_strategy.go. They agree
 * with this one on every value its webhook admits (validatePositiveIntOrPercent below), so no
 * stored SidecarSet can tell them apart.
 */
export function getScaledValueFromIntOrPercent(value: IntOrString, total: number, roundUp: boolean): ScaledValue {
  if (typeof value === 'number') return { value: Math.trunc(value) };
  if (!value.endsWith('%')) return { error: 'invalid value for IntOrString: invalid type: string is not a percentage' };
  const digits = value.slice(0, -1);
  if (!ATOI.test(digits)) {
    return {
      error: `invalid value for IntOrString: invalid value ${JSON.stringify(value)}: strconv.Atoi: parsing ${JSON.stringify(digits)}: invalid syntax`,
    };
  }
  const scaled = (Number(digits) * total) / 100;
  return { value: roundUp ? Math.ceil(scaled) : Math.floor(scaled) };
}

/**
 * The scaled value where the caller drops the error and carries on with 0, as Kruise's SidecarSet
 * controller (`partition, _ = ...`) and the Deployment controller's MaxSurge/MaxUnavailable
 * ("Error caught by validation") do.
 */
export function scaledOrZero(value: IntOrString, total: number, roundUp: boolean): number {
  const r = getScaledValueFromIntOrPercent(value, total, roundUp);
  return 'value' in r ? r.value : 0;
}

const PERCENT = /^[0-9]+%$/;

/** True when an int-or-percent is a well-formed percent string (validation.IsValidPercent). */
export function isValidPercent(value: IntOrString | undefined | null): value is string {
  return typeof value === 'string' && PERCENT.test(value);
}

/**
 * ValidatePositiveIntOrPercent (k8s.io/kubernetes/pkg/apis/apps/validation), which Kruise's
 * SidecarSet webhook applies to `partition` and `maxUnavailable`.
 */
export function validatePositiveIntOrPercent(value: IntOrString, path: string): FieldError[] {
  if (typeof value === 'string') {
    if (isValidPercent(value)) return [];
    return [
      invalid(
        path,
        value,
        "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
      ),
    ];
  }
  // Upstream's message keeps the doubled '%' of a string that never goes through Sprintf.
  if (!Number.isInteger(value)) return [invalid(path, value, "must be an integer or percentage (e.g '5%%')")];
  if (value < 0) return [invalid(path, value, 'must be greater than or equal to 0')];
  // IntOrString holds an int32: a larger number does not even decode.
  return value > INT32_MAX ? [invalid(path, value, `must be at most ${INT32_MAX}`)] : [];
}

const INT32_MAX = 2_147_483_647;

/**
 * Reads a form value as an IntOrString: plain digits are an int (a leading minus makes a negative
 * one, for the validation to name); anything else stays a string, so "+5", "-0", "0x0a", "1e1"
 * or " 5%" are refused as percentages instead of passing as numbers.
 */
export function parseIntOrPercent(text: string): IntOrString {
  const t = text.trim();
  return /^(0|-?[1-9][0-9]*)$/.test(t) ? Number(t) : t;
}
