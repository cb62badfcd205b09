import { describe, expect, it } from 'vitest';
import type { FleetCacheState, ResourceState } from './cache';
import { judgeReadiness } from './readiness';

const NOW = Date.parse('2026-11-30T10:00:00Z');
const ago = (s: number) => new Date(NOW - s * 1000).toISOString();

function resource(name: ResourceState['resource'], patch: Partial<ResourceState> = {}): ResourceState {
  return {
    resource: name,
    synced: true,
    watching: true,
    lists: 1,
    lastListPages: 1,
    watches: 1,
    expired: 0,
    unchanged: 0,
    items: 3,
    ...patch,
  };
}

function state(
  resources: ResourceState[],
  discovery: FleetCacheState['discovery'] = { kruiseVersion: 'v1beta1', builtInByVersion: false },
): FleetCacheState {
  return { discovery, resources };
}

const judge = (s: FleetCacheState, draining = false) => judgeReadiness({ state: s, now: NOW, maxStaleMs: 60_000, draining });

describe('judgeReadiness', () => {
  it('is ready when discovery answered and every resource is synced and live', () => {
    expect(judge(state([resource('pods'), resource('sidecarsets')]))).toEqual({ ready: true, reasons: [], degraded: [] });
  });

  it('waits for discovery and for every first list', () => {
    expect(judge({ discovery: undefined, resources: [resource('pods', { synced: false })] })).toEqual({
      ready: false,
      reasons: ['API discovery has not answered yet', 'pods: first list not finished'],
      degraded: [],
    });
  });

  it('says why a first list failed', () => {
    const r = judge(
      state([resource('pods', { synced: false, lastError: { kind: 'Unavailable', message: 'connect ECONNREFUSED', at: ago(1) } })]),
    );
    expect(r).toEqual({ ready: false, reasons: ['pods: first list failed: connect ECONNREFUSED'], degraded: [] });
  });

  it('tolerates lost contact up to the limit, then names the stale resources', () => {
    const lost = {
      staleSince: ago(30),
      watching: false,
      lastError: { kind: 'Unavailable' as const, message: 'Watch cut off', at: ago(30) },
    };
    expect(judge(state([resource('pods', lost)])).ready).toBe(true);
    const long = { ...lost, staleSince: ago(75) };
    expect(judge(state([resource('pods', long), resource('events', { namespace: 'shop', ...long })]))).toEqual({
      ready: false,
      reasons: ['pods: stale for 75 s (Watch cut off)', 'events in shop: stale for 75 s (Watch cut off)'],
      degraded: [],
    });
  });

  it('stays ready on a refusal (shown in place on the pages), reporting it as degraded', () => {
    const refused = { synced: false, lastError: { kind: 'Forbidden' as const, code: 403, message: 'pods is forbidden', at: ago(5) } };
    expect(judge(state([resource('pods', { namespace: 'payments', ...refused }), resource('sidecarsets')]))).toEqual({
      ready: true,
      reasons: [],
      degraded: ['pods in payments: pods is forbidden'],
    });
  });

  it('ignores resources the cluster does not serve, and fails when discovery failed', () => {
    expect(judge(state([resource('controllerrevisions', { disabled: true, synced: false })])).ready).toBe(true);
    const down = { kruiseVersion: null, builtInByVersion: false, error: { kind: 'Unavailable' as const, message: 'connect ECONNREFUSED' } };
    expect(judge(state([], down)).reasons).toEqual(['API discovery failed: connect ECONNREFUSED']);
  });

  it('is not ready while draining', () => {
    expect(judge(state([resource('pods')]), true)).toEqual({ ready: false, reasons: ['shutting down'], degraded: [] });
  });
});
