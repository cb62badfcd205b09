/**
 * resourcesPolicy expressions (pkg/webhook/pod/mutating/sidecarset_resources.go): `+ - * /`, `max()`, `min()`, parentheses,
 * percentages (`50%`), quantities (`50m`, `200Mi`) and the variable `cpu` or `memory` (the
 * aggregated value of the target containers).
 */
import { parseQuantity } from '@/lib/fleet/quantity';

export type Expr =
  | { kind: 'num'; value: number }
  | { kind: 'var'; name: string }
  | { kind: 'bin'; op: '+' | '-' | '*' | '/'; left: Expr; right: Expr }
  | { kind: 'neg'; arg: Expr }
  | { kind: 'call'; fn: 'max' | 'min'; args: Expr[] };

export class ExprError extends Error {
  override name = 'ExprError';
}

type Tok = { t: 'num'; v: number } | { t: 'id'; v: string } | { t: 'op'; v: string };

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if ('+-*/(),'.includes(c)) {
      out.push({ t: 'op', v: c });
      i++;
      continue;
    }
    if (/[0-9.]/.test(c)) {
      const m = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:%|Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE](?![A-Za-z]))?/.exec(src.slice(i));
      if (!m) throw new ExprError(`unexpected character ${JSON.stringify(c)} at ${i}`);
      const text = m[0];
      let v: number | undefined;
      if (text.endsWith('%')) v = Number(text.slice(0, -1)) / 100;
      else v = parseQuantity(text);
      if (v === undefined || Number.isNaN(v)) throw new ExprError(`invalid number ${JSON.stringify(text)}`);
      out.push({ t: 'num', v });
      i += text.length;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i)) as RegExpExecArray;
      out.push({ t: 'id', v: m[0] });
      i += m[0].length;
      continue;
    }
    throw new ExprError(`unexpected character ${JSON.stringify(c)} at ${i}`);
  }
  return out;
}

/** Parses an expression; `variable` is the only name allowed ('cpu' or 'memory'). */
export function parseExpr(src: string, variable: string): Expr {
  const toks = tokenize(src);
  let pos = 0;
  const peek = () => toks[pos];
  const eat = (v: string) => {
    const t = toks[pos];
    if (t?.t !== 'op' || t.v !== v) throw new ExprError(`expected ${JSON.stringify(v)}`);
    pos++;
  };
  const primary = (): Expr => {
    const t = toks[pos++];
    if (!t) throw new ExprError('unexpected end of expression');
    if (t.t === 'num') return { kind: 'num', value: t.v };
    if (t.t === 'op' && t.v === '(') {
      const e = sum();
      eat(')');
      return e;
    }
    if (t.t === 'op' && t.v === '-') return { kind: 'neg', arg: primary() };
    if (t.t === 'id') {
      if (t.v === 'max' || t.v === 'min') {
        eat('(');
        const args = [sum()];
        while (peek()?.t === 'op' && peek()?.v === ',') {
          pos++;
          args.push(sum());
        }
        eat(')');
        return { kind: 'call', fn: t.v, args };
      }
      if (t.v === variable) return { kind: 'var', name: t.v };
      throw new ExprError(`unknown identifier ${JSON.stringify(t.v)}`);
    }
    throw new ExprError(`unexpected ${JSON.stringify(t.v)}`);
  };
  const product = (): Expr => {
    let e = primary();
    for (;;) {
      const t = peek();
      if (t?.t === 'op' && (t.v === '*' || t.v === '/')) {
        pos++;
        e = { kind: 'bin', op: t.v, left: e, right: primary() };
      } else return e;
    }
  };
  const sum = (): Expr => {
    let e = product();
    for (;;) {
      const t = peek();
      if (t?.t === 'op' && (t.v === '+' || t.v === '-')) {
        pos++;
        e = { kind: 'bin', op: t.v, left: e, right: product() };
      } else return e;
    }
  };
  if (toks.length === 0) throw new ExprError('empty expression');
  const e = sum();
  if (pos !== toks.length) throw new ExprError(`unexpected ${JSON.stringify((toks[pos] as Tok).v)}`);
  return e;
}

export function evalExpr(e: Expr, value: number): number {
  switch (e.kind) {
    case 'num':
      return e.value;
    case 'var':
      return value;
    case 'neg':
      return -evalExpr(e.arg, value);
    case 'bin': {
      const l = evalExpr(e.left, value);
      const r = evalExpr(e.right, value);
      if (e.op === '+') return l + r;
      if (e.op === '-') return l - r;
      if (e.op === '*') return l * r;
      return r === 0 ? 0 : l / r;
    }
    case 'call': {
      const vs = e.args.map((a) => evalExpr(a, value));
      return e.fn === 'max' ? Math.max(...vs) : Math.min(...vs);
    }
  }
}
