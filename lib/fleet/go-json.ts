/**
 * JSON as a Go program sees it after decoding into typed structs, which is what Kruise hashes and
 * stores. Go's encoding/json writes struct fields in declaration order (not sorted, not as sent),
 * `omitempty` drops empty strings, numbers, bools, nil pointers and empty slices and maps but never
 * a struct, a field without `omitempty` is written even when absent (`"name":""`,
 * `"resources":{}`), map keys are sorted, quantities come back canonical, and `<`, `>`, `&` are
 * escaped. Decoding refuses a value of the wrong JSON type with its own message. The types come as
 * a table (kruise-go-types.ts) in Go's own spelling (`*v1.Probe`, `[]string`, `map[string]string`).
 */
import { canonicalQuantity } from './quantity';

export const OMIT = 'omitempty';

export type GoField = readonly [json: string, type: string, omitempty?: typeof OMIT];

export interface GoTypes {
  /** Struct name (`v1.Container`) → its JSON fields in declaration order, embedded structs promoted. */
  structs: Readonly<Record<string, readonly GoField[]>>;
  /** Named non-struct types (`v1.PullPolicy`) → their underlying type (`string`). */
  named: Readonly<Record<string, string>>;
}

/** Types with their own JSON methods. */
const QUANTITY = 'resource.Quantity';
const INT_OR_STRING = 'intstr.IntOrString';
const TIME = 'v1.Time';
const FIELDS = 'v1.FieldsV1';
const SPECIAL = new Set([QUANTITY, INT_OR_STRING, TIME, FIELDS]);
const INTS = new Set(['int', 'int8', 'int16', 'int32', 'int64', 'uint', 'uint8', 'uint16', 'uint32', 'uint64']);

/** encoding/json's string escaping (with its default HTML escaping). */
export function goJsonString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** `map[K]V` → [K, V]; K never holds brackets in these types. */
function mapParts(type: string): [string, string] {
  const close = type.indexOf(']');
  return [type.slice(4, close), type.slice(close + 1)];
}

/** A named type's underlying type, else the type itself. */
function resolve(type: string, types: GoTypes): string {
  return types.named[type] ?? type;
}

function isEmpty(type: string, v: unknown, types: GoTypes): boolean {
  const t = resolve(type, types);
  if (SPECIAL.has(t) || types.structs[t]) return false;
  if (v === undefined || v === null) return true;
  if (t.startsWith('*')) return false;
  if (t.startsWith('[]')) return Array.isArray(v) && v.length === 0;
  if (t.startsWith('map[')) return typeof v === 'object' && Object.keys(v as object).length === 0;
  if (t === 'string') return v === '';
  if (t === 'bool') return v === false;
  return v === 0;
}

/**
 * `value` (JSON as the API holds it; `undefined` for an absent field) as Go marshals it after
 * decoding it into `type`. A JSON null decodes to the zero value.
 */
export function goMarshal(value: unknown, type: string, types: GoTypes): string {
  const v = value === null ? undefined : value;
  const t = resolve(type, types);
  if (t.startsWith('*')) return v === undefined ? 'null' : goMarshal(v, t.slice(1), types);
  if (t.startsWith('[]')) {
    if (!Array.isArray(v)) return 'null';
    return `[${v.map((x) => goMarshal(x, t.slice(2), types)).join(',')}]`;
  }
  if (t.startsWith('map[')) {
    if (typeof v !== 'object' || v === undefined) return 'null';
    const [, elem] = mapParts(t);
    const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${goJsonString(k)}:${goMarshal(x, elem, types)}`).join(',')}}`;
  }
  if (t === 'string') return goJsonString(typeof v === 'string' ? v : '');
  if (t === 'bool') return v === true ? 'true' : 'false';
  if (INTS.has(t) || t === 'float32' || t === 'float64') return typeof v === 'number' ? String(v) : '0';
  switch (t) {
    case QUANTITY:
      // resource.Quantity.MarshalJSON: the canonical form; the zero Quantity is "0".
      return goJsonString(v === undefined ? '0' : canonicalQuantity(String(v)));
    case INT_OR_STRING:
      // intstr.IntOrString.MarshalJSON: a number or a string; the zero value is the number 0.
      return typeof v === 'string' ? goJsonString(v) : typeof v === 'number' ? String(v) : '0';
    case TIME:
      // metav1.Time.MarshalJSON: null for the zero time, else RFC 3339 in seconds.
      return typeof v === 'string' && v !== '' ? goJsonString(v) : 'null';
    case FIELDS:
      return v === undefined ? 'null' : goMarshalUntyped(v);
  }
  const fields = types.structs[t];
  if (!fields) throw new Error(`goMarshal: unknown Go type ${type}`);
  const obj = (typeof v === 'object' && v !== undefined ? v : {}) as Record<string, unknown>;
  const out: string[] = [];
  for (const [name, ft, omit] of fields) {
    const x = obj[name];
    if (omit && isEmpty(ft, x, types)) continue;
    out.push(`${goJsonString(name)}:${goMarshal(x, ft, types)}`);
  }
  return `{${out.join(',')}}`;
}

/**
 * json.Marshal of what json.Unmarshal put into an `interface{}`: maps (keys sorted) all the way
 * down. Kruise builds ControllerRevision data this way (pkg/control/sidecarcontrol/history_control.go, getPatch).
 */
export function goMarshalUntyped(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map(goMarshalUntyped).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${goJsonString(k)}:${goMarshalUntyped(v)}`).join(',')}}`;
  }
  if (typeof value === 'string') return goJsonString(value);
  return JSON.stringify(value);
}

function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  return typeof v;
}

const INT_RANGE: Record<string, [number, number]> = {
  int8: [-(2 ** 7), 2 ** 7 - 1],
  int16: [-(2 ** 15), 2 ** 15 - 1],
  int32: [-(2 ** 31), 2 ** 31 - 1],
  uint8: [0, 2 ** 8 - 1],
  uint16: [0, 2 ** 16 - 1],
  uint32: [0, 2 ** 32 - 1],
};

/** Where a decoder is: the struct being filled (Go's short name) and the JSON field names down to here. */
export interface DecodeContext {
  struct: string;
  path: string[];
}

/**
 * The error Go's decoder (encoding/json, and sigs.k8s.io/json which Kubernetes' codecs use) reports
 * for the first value of the wrong JSON type: `json: cannot unmarshal string into Go struct field
 * SidecarSetUpdateStrategy.spec.updateStrategy.paused of type bool`. `undefined` when it decodes.
 * Values with their own UnmarshalJSON (quantities, times) are taken as they come, except
 * IntOrString's, which decodes a non-string as an int32.
 */
export function goDecodeError(value: unknown, type: string, types: GoTypes, ctx: DecodeContext): string | undefined {
  if (value === null || value === undefined) return undefined;
  const t0 = type.replace(/^\*+/, '');
  const t = resolve(t0, types);
  const where = ctx.struct !== '' ? `Go struct field ${ctx.struct}.${ctx.path.join('.')}` : 'Go value';
  const wrong = (what: string) => `json: cannot unmarshal ${what} into ${where} of type ${t0}`;
  if (t.startsWith('*')) return goDecodeError(value, t, types, ctx);
  if (t === QUANTITY || t === TIME || t === FIELDS) return undefined;
  if (t === INT_OR_STRING) {
    // Its UnmarshalJSON decodes a non-string into the int32 IntVal; the outer decoder then adds
    // the field to that error.
    if (typeof value === 'string') return undefined;
    if (typeof value === 'number' && Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31) return undefined;
    const what = typeof value === 'number' ? `number ${value}` : jsonKind(value);
    return `json: cannot unmarshal ${what} into ${where} of type int32`;
  }
  if (t.startsWith('[]')) {
    if (!Array.isArray(value)) return wrong(jsonKind(value));
    for (const x of value) {
      const e = goDecodeError(x, t.slice(2), types, ctx);
      if (e) return e;
    }
    return undefined;
  }
  if (t.startsWith('map[')) {
    if (typeof value !== 'object' || Array.isArray(value)) return wrong(jsonKind(value));
    const [, elem] = mapParts(t);
    for (const x of Object.values(value as Record<string, unknown>)) {
      const e = goDecodeError(x, elem, types, ctx);
      if (e) return e;
    }
    return undefined;
  }
  if (t === 'string') return typeof value === 'string' ? undefined : wrong(jsonKind(value));
  if (t === 'bool') return typeof value === 'boolean' ? undefined : wrong(jsonKind(value));
  if (INTS.has(t)) {
    if (typeof value !== 'number') return wrong(jsonKind(value));
    const [lo, hi] = INT_RANGE[t] ?? [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
    return Number.isInteger(value) && value >= lo && value <= hi ? undefined : wrong(`number ${value}`);
  }
  if (t === 'float32' || t === 'float64') return typeof value === 'number' ? undefined : wrong(jsonKind(value));
  const fields = types.structs[t];
  if (!fields) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) return wrong(jsonKind(value));
  const struct = t.slice(t.indexOf('.') + 1);
  for (const [k, x] of Object.entries(value as Record<string, unknown>)) {
    const f = fields.find(([name]) => name === k);
    if (!f) continue;
    const e = goDecodeError(x, f[1], types, { struct, path: [...ctx.path, k] });
    if (e) return e;
  }
  return undefined;
}
