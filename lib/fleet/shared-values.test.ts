import { describe, expect, it } from 'vitest';
import { sharedValues } from './shared-values';

describe('shared values', () => {
  it('hand out one frozen copy per key, and start over when full', () => {
    const t = sharedValues<{ n: number }>(2);
    const a = t.get('a', () => ({ n: 1 }));
    expect(t.get('a', () => ({ n: 99 }))).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    t.get('b', () => ({ n: 2 }));
    // Full: the table starts over, and 'a' is made again (the old copy stays valid).
    t.get('c', () => ({ n: 3 }));
    const again = t.get('a', () => ({ n: 1 }));
    expect(again).not.toBe(a);
    expect(again).toEqual(a);
  });
});
