/**
 * Kubernetes resource quantities ("500m", "1.5", "128Mi", "1e3"), parsed to plain numbers in base
 * units (cores, bytes) and formatted back the way resource.Quantity prints them, and the canonical
 * text a Go program writes for one (k8s.io/apimachinery/pkg/api/resource/quantity.go).
 */

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

const QUANTITY_RE = /^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?[0-9]+)?$/;

/** The value of a quantity string, or undefined when it is not one. */
export function parseQuantity(s: string): number | undefined {
  const m = QUANTITY_RE.exec(s.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const suffix = m[2] ?? '';
  if (suffix in BINARY) return n * (BINARY[suffix] as number);
  if (suffix in DECIMAL) return n * (DECIMAL[suffix] as number);
  if (/^[eE]/.test(suffix)) return n * 10 ** Number(suffix.slice(1));
  return undefined;
}

/** CPU as resource.Quantity prints it: whole cores, else millicores (rounded up, as Kubernetes does). */
export function formatCpu(cores: number): string {
  const milli = Math.ceil(Math.round(cores * 1e6) / 1e3);
  if (milli % 1000 === 0) return String(milli / 1000);
  return `${milli}m`;
}

/** Memory in the largest binary unit that divides it, else bytes. */
export function formatMemory(bytes: number): string {
  const b = Math.ceil(bytes);
  for (const [unit, size] of [
    ['Ei', 2 ** 60],
    ['Pi', 2 ** 50],
    ['Ti', 2 ** 40],
    ['Gi', 2 ** 30],
    ['Mi', 2 ** 20],
    ['Ki', 2 ** 10],
  ] as const) {
    if (b >= size && b % size === 0) return `${b / size}${unit}`;
  }
  return String(b);
}

const DECIMAL_EXP: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_EXP: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL_SUFFIX: Record<number, string> = Object.fromEntries(Object.entries(DECIMAL_EXP).map(([s, e]) => [e, s]));
const BINARY_SUFFIX: Record<number, string> = { 0: '', ...Object.fromEntries(Object.entries(BINARY_EXP).map(([s, e]) => [e, s])) };

const pow10 = (n: number) => 10n ** BigInt(n);

/**
 * Whether ParseQuantity keeps the text as written (its fast path caches `str` when it is already
 * in canonical form by its own test, and MarshalJSON then writes it back unchanged): "100m",
 * "100Ki", "1.2e1" and "+5" stay; "1000m", "1024Mi", "12e-1" do not.
 */
function keptAsWritten(num: string, denom: string, suffix: string): boolean {
  const shifted = num + denom;
  if (suffix in BINARY_EXP) {
    const exponent = BINARY_EXP[suffix] as number;
    if (denom !== '' || 15 - num.length - Math.trunc((exponent * 3) / 10) - 1 < 0) return false;
    const value = BigInt(shifted);
    if (value << BigInt(exponent) >= 2n ** 63n) return false;
    return (value & 7n) !== 0n;
  }
  const exponent = suffix in DECIMAL_EXP ? (DECIMAL_EXP[suffix] as number) : Number(suffix.slice(1));
  const scale = exponent - denom.length;
  if (18 - shifted.length < 0 || scale < -9) return false;
  return scale % 3 === 0 && !shifted.endsWith('000') && !shifted.startsWith('0');
}

/**
 * The text resource.Quantity marshals after ParseQuantity of `s` (quantity.go, MarshalJSON): the
 * text itself when the parser kept it, else the canonical form (CanonicalizeBytes): the value
 * rounded up to a nano, written in the format of its suffix: binary ("Ki") with the largest power
 * of 1024 that divides it unless it is below 1024 or fractional, else decimal SI ("m", "k") or
 * exponent ("e3") with the largest power of 1000 that leaves an integer. Text that is no quantity
 * comes back as it is (Go would refuse to decode it).
 */
export function canonicalQuantity(text: string): string {
  const s = text.trim();
  if (s === '0') return s;
  const m = QUANTITY_RE.exec(s);
  if (!m) return s;
  const signed = m[1] as string;
  const suffix = m[2] ?? '';
  const negative = signed.startsWith('-');
  const [whole = '', frac = ''] = signed.replace(/^[+-]/, '').split('.');
  const num = whole.replace(/^0+/, '') || '0';
  if (keptAsWritten(num, frac, suffix)) return s;
  // value = n * 10^-scale
  let n = BigInt(`${num}${frac}`);
  let scale = frac.length;
  let format: 'BinarySI' | 'DecimalSI' | 'DecimalExponent' = 'DecimalSI';
  if (suffix in BINARY_EXP) {
    format = 'BinarySI';
    n *= 2n ** BigInt(BINARY_EXP[suffix] as number);
  } else if (suffix in DECIMAL_EXP) {
    scale -= DECIMAL_EXP[suffix] as number;
  } else {
    format = 'DecimalExponent';
    scale -= Number(suffix.slice(1));
  }
  if (scale < 0) {
    n *= pow10(-scale);
    scale = 0;
  }
  // Round up (away from zero) to nano precision.
  if (scale > 9) {
    const d = pow10(scale - 9);
    n = n % d === 0n ? n / d : n / d + 1n;
    scale = 9;
  }
  if (n === 0n) return '0';
  const sign = negative ? '-' : '';
  if (format === 'BinarySI') {
    const whole1024 = n % pow10(scale) === 0n ? n / pow10(scale) : undefined;
    if (whole1024 !== undefined && whole1024 >= 1024n) {
      let mantissa = whole1024;
      let exp = 0;
      while (mantissa % 1024n === 0n && exp < 60) {
        mantissa /= 1024n;
        exp += 10;
      }
      return `${sign}${mantissa}${BINARY_SUFFIX[exp] ?? ''}`;
    }
    format = 'DecimalSI';
  }
  let exponent = -scale;
  while (n % 10n === 0n) {
    n /= 10n;
    exponent++;
  }
  const r = exponent % 3;
  if (r === 1 || r === -2) {
    n *= 10n;
    exponent -= 1;
  } else if (r === 2 || r === -1) {
    n *= 100n;
    exponent -= 2;
  }
  if (format === 'DecimalExponent') return `${sign}${n}${exponent === 0 ? '' : `e${exponent}`}`;
  return `${sign}${n}${DECIMAL_SUFFIX[exponent] ?? ''}`;
}
