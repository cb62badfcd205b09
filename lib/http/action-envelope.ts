/**
 * The shape of a server action request as this dashboard's own pages send it: React's reply
 * encoding of `action(prevState, formData)` or `action(formData)`, that is a multipart body whose
 * part "0" is the JSON list of arguments (plain JSON, a FormData reference "$K1", and React's
 * escaped strings) and whose other parts are the form's fields, "_1_"-prefixed (React's prefix for
 * the FormData that "$K1" names, its own $ACTION_ fields included).
 *
 * Anything else would make React's decoder throw inside Next (an "Invalid forward reference", a
 * JSON syntax error), answered with a 500 and logged with a stack trace: it is refused before
 * that, with a 400 and one log line. Our actions then check every field themselves (zod).
 */
const ACTION_ID = /^[0-9a-f]{40,64}$/;
/** React's encodings of values a previous state may hold: escaped "$" strings, undefined, dates, big ints, odd numbers. */
const SAFE_DOLLAR = /^(\$\$[\s\S]*|\$undefined|\$D[0-9TZ:.+-]+|\$n-?[0-9]+|\$NaN|\$Infinity|\$-Infinity|\$-0)$/;
const MAX_DEPTH = 12;

export type EnvelopeCheck = { ok: true } | { ok: false; why: string };

/** React's reference to a value already in part 0 (it sends a repeated object once): "$0:<path>". */
const SELF_REFERENCE = /^\$0(:[^:]+)+$/;

/** The value at a "$0:…" path in the argument list, if it names an object or a list there. */
function resolves(root: unknown, ref: string): boolean {
  let cur: unknown = root;
  for (const key of ref.slice(3).split(':')) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, key)) return false;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur !== null && typeof cur === 'object';
}

/** The first value React would read as a reference it cannot resolve (or too deep a nesting), if any. */
function notPlain(v: unknown, depth: number, root: unknown): string | undefined {
  if (depth > MAX_DEPTH) return 'nesting';
  if (typeof v === 'string') {
    if (!v.startsWith('$') || SAFE_DOLLAR.test(v)) return undefined;
    return SELF_REFERENCE.test(v) && resolves(root, v) ? undefined : v.slice(0, 24);
  }
  if (Array.isArray(v)) {
    for (const x of v) {
      const bad = notPlain(x, depth + 1, root);
      if (bad !== undefined) return bad;
    }
    return undefined;
  }
  if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (k.startsWith('$')) return k.slice(0, 24);
      const bad = notPlain(x, depth + 1, root);
      if (bad !== undefined) return bad;
    }
  }
  return undefined;
}

export function checkActionId(id: string, known: ReadonlySet<string> | undefined): EnvelopeCheck {
  if (!ACTION_ID.test(id)) return { ok: false, why: 'malformed action id' };
  if (known && !known.has(id)) return { ok: false, why: 'unknown action id' };
  return { ok: true };
}

/** Checks the parts of a multipart action body (names and string values). */
export function checkActionParts(parts: Array<[string, string | 'file']>): EnvelopeCheck {
  const args = parts.find(([k]) => k === '0');
  if (!args || args[1] === 'file') return { ok: false, why: 'no argument list' };
  let list: unknown;
  try {
    list = JSON.parse(args[1]);
  } catch {
    return { ok: false, why: 'argument list is not JSON' };
  }
  if (!Array.isArray(list) || list.length < 1 || list.length > 2) return { ok: false, why: 'argument list of the wrong length' };
  const form = list.at(-1);
  if (form !== '$K1') return { ok: false, why: 'no form argument' };
  const bad = list.length === 2 ? notPlain(list[0], 0, list) : undefined;
  if (bad !== undefined) return { ok: false, why: `previous state is not plain data (${JSON.stringify(bad)})` };
  for (const [k, v] of parts) {
    if (k === '0') continue;
    if (!k.startsWith('_1_')) return { ok: false, why: `unexpected part ${k.slice(0, 40)}` };
    if (v === 'file') return { ok: false, why: 'file upload' };
  }
  return { ok: true };
}
