import { describe, expect, it } from 'vitest';
import type { Freshness } from '@/lib/fleet/views';
import { partialState, staleState } from './freshness';

const at = '2026-11-30T06:00:00.000Z';

describe('partial and stale data', () => {
  it('a first list still running is partial, with what has been read, and not stale', () => {
    const f: Freshness = { live: false, errors: [], generatedAt: at, listing: [{ resource: 'pods', listed: 12_000, total: 150_000 }] };
    expect(partialState(f)).toBe('pods: 12,000 of 150,000 read');
    expect(staleState(f, null, 0)).toBeNull();
  });

  it('an outage during the first list is stale, whatever was read', () => {
    const f: Freshness = {
      live: false,
      errors: [{ resource: 'pods', code: 503, message: 'unavailable' }],
      staleSince: at,
      generatedAt: at,
      listing: [{ resource: 'pods', listed: 500 }],
    };
    expect(staleState(f, null, 0)).toEqual({ since: at, reason: 'pods: 503 unavailable' });
  });

  it('complete data is neither', () => {
    const f: Freshness = { live: true, errors: [], generatedAt: at };
    expect(partialState(f)).toBeNull();
    expect(staleState(f, null, 0)).toBeNull();
  });
});
