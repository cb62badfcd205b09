import { describe, expect, it } from 'vitest';
import { getScaledValueFromIntOrPercent, parseIntOrPercent, scaledOrZero, validatePositiveIntOrPercent } from './int-or-percent';

describe('getScaledValueFromIntOrPercent (k8s.io/apimachinery/pkg/util/intstr)', () => {
  it('an int is itself; "N%" is N% of the total, rounded as asked', () => {
    expect(getScaledValueFromIntOrPercent(3, 100, true)).toEqual({ value: 3 });
    expect(getScaledValueFromIntOrPercent('10%', 5, true)).toEqual({ value: 1 });
    expect(getScaledValueFromIntOrPercent('10%', 5, false)).toEqual({ value: 0 });
    expect(getScaledValueFromIntOrPercent('150%', 10, true)).toEqual({ value: 15 });
  });

  it('a string without "%" is an error, not a count ("5" is not 5)', () => {
    const notPercent = { error: 'invalid value for IntOrString: invalid type: string is not a percentage' };
    expect(getScaledValueFromIntOrPercent('5', 10, true)).toEqual(notPercent);
    expect(getScaledValueFromIntOrPercent('abc', 10, true)).toEqual(notPercent);
    expect(getScaledValueFromIntOrPercent('x%', 10, true)).toEqual({
      error: 'invalid value for IntOrString: invalid value "x%": strconv.Atoi: parsing "x": invalid syntax',
    });
  });

  it('callers that drop the error read 0', () => {
    expect(scaledOrZero('5', 10, true)).toBe(0);
    expect(scaledOrZero('abc', 10, true)).toBe(0);
    expect(scaledOrZero('25%', 10, false)).toBe(2);
  });
});

describe('validatePositiveIntOrPercent (k8s.io/kubernetes/pkg/apis/apps/validation)', () => {
  it('admits non-negative ints and "[0-9]+%" strings, over 100% included', () => {
    expect(validatePositiveIntOrPercent(0, 'p')).toEqual([]);
    expect(validatePositiveIntOrPercent('150%', 'p')).toEqual([]);
  });

  it('refuses the rest with the API wording', () => {
    expect(validatePositiveIntOrPercent('5', 'spec.updateStrategy.partition')).toEqual([
      {
        path: 'spec.updateStrategy.partition',
        type: 'Invalid',
        value: '5',
        detail:
          "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
      },
    ]);
    expect(validatePositiveIntOrPercent(-1, 'm')).toEqual([
      { path: 'm', type: 'Invalid', value: -1, detail: 'must be greater than or equal to 0' },
    ]);
  });
});

describe('parseIntOrPercent', () => {
  it('reads digits as an int and anything else as a string', () => {
    expect(parseIntOrPercent(' 7 ')).toBe(7);
    expect(parseIntOrPercent('7%')).toBe('7%');
    expect(parseIntOrPercent('-3')).toBe(-3);
  });

  it('keeps every other spelling of a number a string, which validation then refuses', () => {
    for (const text of ['+5', '-0', '0x0a', '1e1', '07', '5.0', '5 %', 'ten']) {
      const v = parseIntOrPercent(text);
      expect(typeof v, text).toBe('string');
      expect(validatePositiveIntOrPercent(v, 'm')).toHaveLength(1);
    }
    expect(validatePositiveIntOrPercent(parseIntOrPercent('2147483648'), 'm')).toEqual([
      { path: 'm', type: 'Invalid', value: 2147483648, detail: 'must be at most 2147483647' },
    ]);
    expect(validatePositiveIntOrPercent(parseIntOrPercent('2147483647'), 'm')).toEqual([]);
  });
});
