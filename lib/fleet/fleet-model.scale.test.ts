import { describe, expect, it } from 'vitest';
import { buildFleetModel, createFleetMemo } from './fleet-model';
import type { Pod } from './k8s-types';
import { scaleSnapshot } from './scale-fleet.test-support';
import type { Freshness } from './views';

const freshness: Freshness = { live: true, errors: [], generatedAt: 'now' };
const cluster = {} as never;

describe('aggregation at scale', () => {
  it('10,000 pods and 50 SidecarSets: a cold build, then rebuilds after a few pods changed', () => {
    const snap = scaleSnapshot(10_000, 50);
    // Warm the JIT once on a small fleet, as a running server would be.
    buildFleetModel(scaleSnapshot(500, 50), new Date()).overview({ cluster, freshness });
    const memo = createFleetMemo();
    const now = new Date('2026-11-20T10:00:00Z');

    const cpu = () => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1000;
    };
    const t0 = performance.now();
    const c0 = cpu();
    const m = buildFleetModel(snap, now, memo);
    const o = m.overview({ cluster, freshness });
    const w = m.workloads({ namespace: 'team-7', state: 'drift', sort: 'outdated', dir: 'desc', page: 1, pageSize: 50 }, { freshness });
    const q = m.workloads({ q: 'agent-3', page: 2, pageSize: 50 }, { freshness });
    const d = m.sidecarSetDetail('ss-07', { freshness });
    const cold = performance.now() - t0;
    const coldCpu = cpu() - c0;

    // A watch event replaces ten pod objects (a kubelet status update): the cache's next snapshot.
    const pods = [...snap.pods];
    for (let i = 0; i < 10; i++) {
      const at = i * 997;
      const p = pods[at] as Pod;
      pods[at] = { ...p, status: { ...p.status, conditions: [{ type: 'Ready', status: 'False' }] } };
    }
    const t1 = performance.now();
    const c1 = cpu();
    const m2 = buildFleetModel({ ...snap, pods }, now, memo);
    const o2 = m2.overview({ cluster, freshness });
    m2.workloads({ page: 3, pageSize: 50 }, { freshness });
    const warm = performance.now() - t1;
    const warmCpu = cpu() - c1;
    console.log(
      `10,000 pods / 50 SidecarSets: cold build + overview + 2 pages + detail ${cold.toFixed(0)} ms (CPU ${coldCpu.toFixed(0)} ms); ` +
        `rebuild after 10 pods changed ${warm.toFixed(0)} ms (CPU ${warmCpu.toFixed(0)} ms)`,
    );

    expect(o.totals.pods).toBe(10_000);
    expect(o.sidecarSets).toHaveLength(50);
    expect(o.totals.failingPods).toBe(500);
    expect(w.rows.length).toBeGreaterThan(0);
    expect(q.total).toBeGreaterThan(50);
    expect(d?.podGroups.reduce((n, g) => n + g.total, 0)).toBe(d?.summary.matchedPods);
    // The ten pods went not-ready: the rebuilt overview sees it.
    expect(o2.totals.pods).toBe(10_000);
    expect(o2.sidecarSets.reduce((n, s) => n + s.readyPods, 0)).toBeLessThan(o.sidecarSets.reduce((n, s) => n + s.readyPods, 0));
    // Speed is the benchmark's business (npm run bench), not a test's: the figures are printed above.
    // The answer sent to the browser is a page, not the fleet.
    expect(JSON.stringify(w).length).toBeLessThan(100_000);
  });
});
