import { describe, expect, it } from 'vitest';
import { emit } from '@/lib/k8s/telemetry';
import { fleetMetrics } from './metrics';

/** lib/k8s reports facts (lib/k8s/telemetry.ts); the registry turns them into Prometheus series. */
describe('fleet metrics', () => {
  it('count lists and pages, watch restarts, 410 relists, actions, guard decisions and model builds', async () => {
    const { registry } = fleetMetrics();
    emit({ type: 'list', resource: 'pods', pages: 3, ok: true });
    emit({ type: 'list', resource: 'pods', pages: 1, ok: false, errorKind: 'Forbidden' });
    emit({ type: 'watch', resource: 'pods', restart: false });
    emit({ type: 'watch', resource: 'pods', restart: true });
    emit({ type: 'watch', resource: 'pods', restart: true });
    emit({ type: 'expired', resource: 'events', namespace: 'shop' });
    emit({ type: 'action', action: 'pause', result: 'ok' });
    emit({ type: 'action', action: 'canary', result: 'conflict' });
    emit({ type: 'guard', sidecarSet: 'mesh', decision: 'lost-race' });
    emit({ type: 'model', seconds: 0.3, pods: 150_000 });
    const text = await registry.metrics();
    const lines = text.split('\n');
    for (const want of [
      'sidecar_fleet_lists_total{resource="pods",result="ok"} 1',
      'sidecar_fleet_lists_total{resource="pods",result="forbidden"} 1',
      'sidecar_fleet_list_pages_total{resource="pods"} 4',
      'sidecar_fleet_watch_restarts_total{resource="pods"} 2',
      'sidecar_fleet_watch_expired_total{resource="events"} 1',
      'sidecar_fleet_actions_total{action="pause",result="ok"} 1',
      'sidecar_fleet_actions_total{action="canary",result="conflict"} 1',
      'sidecar_fleet_guard_decisions_total{decision="lost-race"} 1',
      'sidecar_fleet_model_build_seconds_bucket{le="0.25"} 0',
      'sidecar_fleet_model_build_seconds_bucket{le="0.5"} 1',
      'sidecar_fleet_model_build_seconds_count 1',
      'sidecar_fleet_model_pods 150000',
    ]) {
      expect(lines).toContain(want);
    }
    expect(text).toMatch(/^sidecar_fleet_cache_last_list_timestamp_seconds\{resource="pods",namespace=""\} \d+/m);
    expect(fleetMetrics()).toBe(fleetMetrics());
  });
});
