/**
 * Kubernetes resource quantities ("500m", "1.5", "128Mi", "1e3"), parsed to plain numbers in base
 * units (cores, bytes) and formatted back the way resource.Quantity prints them.
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
