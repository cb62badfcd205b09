/**
 * Kubernetes `field.Error` and aggregate formatting (k8s.io/apimachinery/pkg/util/validation/field/errors.go),
 * so validation messages read as the API server's and Kruise's webhooks' do: `<path>: <Type>: <detail>`,
 * several joined as `[e1, e2]` (duplicates dropped). With them, the name and label checks of
 * k8s.io/apimachinery/pkg/util/validation. The built-in cluster's admission and the dashboard's own
 * checks before a write share these, so both word a refusal the same way.
 */
import type { LabelSelector } from './k8s-types';

export type FieldErrorType = 'Invalid' | 'Required' | 'Forbidden' | 'Duplicate' | 'NotFound' | 'NotSupported' | 'TooLong';

export interface FieldError {
  path: string;
  type: FieldErrorType;
  value?: unknown;
  detail?: string;
  /** Pre-rendered value (Go's %#v of a struct), used instead of `value`. */
  rendered?: string;
}

/** Go's printing of a bad value in ErrorBody: %q for strings, %v for numbers and bools, nil as the string "null". */
export function goValue(v: unknown): string {
  if (v === undefined || v === null) return '"null"';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return goDump(v);
}

/** A %#v-like dump of a JSON value, close enough for messages. */
export function goDump(v: unknown): string {
  if (v === undefined || v === null) return 'nil';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[]interface {}{${v.map(goDump).join(', ')}}`;
  const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
  return `{${entries.map(([k, x]) => `${k[0]?.toUpperCase() ?? ''}${k.slice(1)}:${goDump(x)}`).join(', ')}}`;
}

/** %#v of a map[string]string: keys sorted, `map[string]string(nil)` for none. */
export function dumpStringMap(m: Record<string, string> | undefined | null): string {
  if (!m) return 'map[string]string(nil)';
  const keys = Object.keys(m).sort();
  return `map[string]string{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(m[k])}`).join(', ')}}`;
}

/** %#v of a metav1.LabelSelector. */
export function dumpSelector(sel: LabelSelector | undefined | null): string {
  if (!sel) return 'null';
  const ml = sel.matchLabels;
  const labels =
    ml === undefined
      ? 'map[string]string(nil)'
      : `map[string]string{${Object.keys(ml)
          .sort()
          .map((k) => `${JSON.stringify(k)}:${JSON.stringify(ml[k])}`)
          .join(', ')}}`;
  const me = sel.matchExpressions;
  const exprs =
    me === undefined
      ? '[]v1.LabelSelectorRequirement(nil)'
      : `[]v1.LabelSelectorRequirement{${me
          .map(
            (e) =>
              `v1.LabelSelectorRequirement{Key:${JSON.stringify(e.key)}, Operator:${JSON.stringify(e.operator)}, Values:${
                e.values === undefined ? '[]string(nil)' : `[]string{${e.values.map((x) => JSON.stringify(x)).join(', ')}}`
              }}`,
          )
          .join(', ')}}`;
  return `v1.LabelSelector{MatchLabels:${labels}, MatchExpressions:${exprs}}`;
}

const TYPE_TEXT: Record<FieldErrorType, string> = {
  Invalid: 'Invalid value',
  Required: 'Required value',
  Forbidden: 'Forbidden',
  Duplicate: 'Duplicate value',
  NotFound: 'Not found',
  NotSupported: 'Unsupported value',
  TooLong: 'Too long',
};

export function formatFieldError(e: FieldError): string {
  let body = TYPE_TEXT[e.type];
  if (e.type === 'Invalid' || e.type === 'Duplicate' || e.type === 'NotFound' || e.type === 'NotSupported') {
    body += `: ${e.rendered ?? goValue(e.value)}`;
  }
  if (e.detail) body += `: ${e.detail}`;
  return `${e.path}: ${body}`;
}

/** utilerrors.NewAggregate(...).Error(). */
export function aggregate(errs: FieldError[]): string {
  const msgs: string[] = [];
  const seen = new Set<string>();
  for (const e of errs) {
    const m = formatFieldError(e);
    if (!seen.has(m)) {
      seen.add(m);
      msgs.push(m);
    }
  }
  return msgs.length === 1 ? (msgs[0] as string) : `[${msgs.join(', ')}]`;
}

export const invalid = (path: string, value: unknown, detail?: string): FieldError => ({ path, type: 'Invalid', value, detail });
export const required = (path: string, detail?: string): FieldError => ({ path, type: 'Required', detail });
export const forbidden = (path: string, detail?: string): FieldError => ({ path, type: 'Forbidden', detail });
export const duplicate = (path: string, value: unknown): FieldError => ({ path, type: 'Duplicate', value });
export const notFound = (path: string, value: unknown): FieldError => ({ path, type: 'NotFound', value });
export const notSupported = (path: string, value: unknown, supported: string[]): FieldError => ({
  path,
  type: 'NotSupported',
  value,
  detail: `supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}`,
});

// ---- Kubernetes name and label validation (apimachinery/pkg/util/validation) ------------------

const QNAME_CHAR = '[A-Za-z0-9]';
const QNAME_EXT = '[-A-Za-z0-9_.]';
const QUALIFIED_NAME_FMT = `(${QNAME_CHAR}${QNAME_EXT}*)?${QNAME_CHAR}`;
const qualifiedNameRe = new RegExp(`^${QUALIFIED_NAME_FMT}$`);
const LABEL_VALUE_FMT = `(${QUALIFIED_NAME_FMT})?`;
const labelValueRe = new RegExp(`^${LABEL_VALUE_FMT}$`);
const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const dns1123LabelRe = new RegExp(`^${DNS1123_LABEL_FMT}$`);
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const dns1123SubdomainRe = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);

function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  return `${msg} (e.g. ${examples.map((e) => `'${e}'`).join(',  or ')}, regex used for validation is '${fmt}')`;
}

export function isDns1123Label(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 63) errs.push('must be no more than 63 characters');
  if (!dns1123LabelRe.test(v)) {
    errs.push(
      regexError(
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
        DNS1123_LABEL_FMT,
        'my-name',
        '123-abc',
      ),
    );
  }
  return errs;
}

export function isDns1123Subdomain(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 253) errs.push('must be no more than 253 characters');
  if (!dns1123SubdomainRe.test(v)) {
    errs.push(
      regexError(
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
        DNS1123_SUBDOMAIN_FMT,
        'example.com',
      ),
    );
  }
  return errs;
}

export function isQualifiedName(v: string): string[] {
  const errs: string[] = [];
  const parts = v.split('/');
  let name = v;
  if (parts.length === 2) {
    const [prefix, n] = parts as [string, string];
    name = n;
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else for (const m of isDns1123Subdomain(prefix)) errs.push(`prefix part ${m}`);
  } else if (parts.length > 2) {
    return [
      `${regexError(
        "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        QUALIFIED_NAME_FMT,
        'MyName',
        'my.name',
        '123-abc',
      )} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (name.length > 63) errs.push('name part must be no more than 63 characters');
  if (name.length > 0 && !qualifiedNameRe.test(name)) {
    errs.push(
      `name part ${regexError(
        "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        QUALIFIED_NAME_FMT,
        'MyName',
        'my.name',
        '123-abc',
      )}`,
    );
  }
  return errs;
}

export function isValidLabelValue(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 63) errs.push('must be no more than 63 characters');
  if (!labelValueRe.test(v)) {
    errs.push(
      regexError(
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        LABEL_VALUE_FMT,
        'MyValue',
        'my_value',
        '12345',
      ),
    );
  }
  return errs;
}

const envNameRe = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

export function isEnvVarName(v: string): string[] {
  if (envNameRe.test(v)) return [];
  return [
    regexError(
      "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit",
      '[-._a-zA-Z][-._a-zA-Z0-9]*',
      'my.env-name',
      'MY_ENV.NAME',
      'MyEnvName1',
    ),
  ];
}

const ianaSvcNameRe = /^[-a-z0-9]+$/;

export function isValidPortName(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 15) errs.push('must be no more than 15 characters');
  if (!ianaSvcNameRe.test(v)) errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (v.includes('--')) errs.push('must not contain consecutive hyphens');
  if (!/[a-z]/.test(v)) errs.push('must contain at least one letter (a-z)');
  if (v.startsWith('-') || v.endsWith('-')) errs.push('must not begin or end with a hyphen');
  return errs;
}
