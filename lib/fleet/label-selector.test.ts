import { describe, expect, it } from 'vitest';
import { isEmptyLabelSelector, matchesLabelSelector, matchesRequirements, parseSelector } from './label-selector';

describe('parseSelector', () => {
  it('parses equality, set-based and existence terms', () => {
    expect(parseSelector('app=web, tier!=db,env in (prod, staging),!legacy,team')).toEqual([
      { key: 'app', operator: 'Equals', values: ['web'] },
      { key: 'tier', operator: 'NotEquals', values: ['db'] },
      { key: 'env', operator: 'In', values: ['prod', 'staging'] },
      { key: 'legacy', operator: 'DoesNotExist', values: [] },
      { key: 'team', operator: 'Exists', values: [] },
    ]);
    expect(parseSelector('app.kubernetes.io/name==guestbook')).toEqual([
      { key: 'app.kubernetes.io/name', operator: 'Equals', values: ['guestbook'] },
    ]);
  });

  it('rejects garbage', () => {
    expect(() => parseSelector('app=web,,x')).toThrow(/empty term/);
    expect(() => parseSelector('a in ()')).toThrow(/must not be empty/);
    expect(() => parseSelector('=x')).toThrow(/unable to parse/);
  });

  it('matches like Kubernetes (a missing key satisfies != and notin)', () => {
    const reqs = parseSelector('tier!=db,env notin (dev)');
    expect(matchesRequirements(reqs, {})).toBe(true);
    expect(matchesRequirements(reqs, { tier: 'db' })).toBe(false);
    expect(matchesRequirements(reqs, { env: 'dev' })).toBe(false);
    expect(matchesRequirements(parseSelector(''), { any: 'x' })).toBe(true);
  });
});

describe('matchesLabelSelector', () => {
  it('treats nil as nothing and {} as everything', () => {
    expect(matchesLabelSelector(undefined, { a: 'b' })).toBe(false);
    expect(matchesLabelSelector({}, { a: 'b' })).toBe(true);
    expect(isEmptyLabelSelector({})).toBe(true);
    expect(isEmptyLabelSelector({ matchLabels: { a: 'b' } })).toBe(false);
  });

  it('combines matchLabels and matchExpressions', () => {
    const sel = {
      matchLabels: { app: 'web' },
      matchExpressions: [{ key: 'env', operator: 'In', values: ['prod'] }],
    };
    expect(matchesLabelSelector(sel, { app: 'web', env: 'prod' })).toBe(true);
    expect(matchesLabelSelector(sel, { app: 'web', env: 'dev' })).toBe(false);
    expect(matchesLabelSelector({ matchExpressions: [{ key: 'x', operator: 'Bogus' }] }, { x: '1' })).toBe(false);
  });
});
