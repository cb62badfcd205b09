import { describe, expect, it } from 'vitest';
import { diff, matches, Observations, unexplained } from './comparison';

describe('path patterns', () => {
  it('match literal segments, one segment with *, any run with **', () => {
    expect(matches(['a', 'b'], ['a', 'b'])).toBe(true);
    expect(matches(['a', 'b'], ['a', 'c'])).toBe(false);
    expect(matches(['a', '*', 'c'], ['a', 'x', 'c'])).toBe(true);
    expect(matches(['a', '*', 'c'], ['a', 'x', 'y', 'c'])).toBe(false);
    expect(matches(['**', 'updateTimestamp'], ['step', 'pods', '0', 'hash', 'updateTimestamp'])).toBe(true);
    expect(matches(['**', 'updateTimestamp'], ['updateTimestamp'])).toBe(true);
    expect(matches(['**', 'updateTimestamp'], ['updateTimestamp', 'x'])).toBe(false);
    expect(matches(['a', '**'], ['a'])).toBe(true);
  });

  it('match a glob within one segment', () => {
    expect(matches(['**', 'version.kruise.io/*'], ['x', 'version.kruise.io/mosn-1'])).toBe(true);
    expect(matches(['**', 'version.kruise.io/*'], ['x', 'versionalt.kruise.io/mosn-1'])).toBe(false);
    expect(matches(['**', 'version.kruise.io/*'], ['x', 'version.kruise.io/mosn-1', 'y'])).toBe(false);
    expect(matches(['a.*'], ['abc'])).toBe(false);
  });
});

describe('diff', () => {
  it('reports each differing leaf, missing keys and extra array items', () => {
    expect(diff({ a: 1, b: { c: [1, 2] } }, { a: 1, b: { c: [1, 3, 4] }, d: true })).toEqual([
      { path: ['b', 'c', '1'], real: 2, builtin: 3 },
      { path: ['b', 'c', '2'], real: undefined, builtin: 4 },
      { path: ['d'], real: undefined, builtin: true },
    ]);
    expect(diff({ a: [1, { b: 'x' }] }, { a: [1, { b: 'x' }] })).toEqual([]);
    expect(diff({ a: 1 }, [1])).toEqual([{ path: [], real: { a: 1 }, builtin: [1] }]);
  });
});

describe('unexplained', () => {
  it('compares observations by label and drops what the allow-list covers', () => {
    const real = new Observations();
    const builtin = new Observations();
    real.record('step', { status: { matchedPods: 2 }, at: '2026-01-01T00:00:00Z' });
    real.record('step', { status: { matchedPods: 3 } });
    builtin.record('step', { status: { matchedPods: 2 }, at: '2026-01-01T00:00:09Z' });
    builtin.record('step', { status: { matchedPods: 4 } });
    builtin.record('only here', 1);
    const allow = [{ path: ['*', 'at'], reason: 'timestamps' }];
    expect(unexplained(real, builtin, allow)).toEqual([
      { path: ['step #2', 'status', 'matchedPods'], real: 3, builtin: 4 },
      { path: ['only here'], real: undefined, builtin: 1 },
    ]);
  });
});
