/** Loads fixtures/fleet.json (API-shaped objects) as a ClusterSnapshot for the domain tests. */
import type { ClusterSnapshot, KubeEvent, WorkloadObject } from './cluster-state';
import fleet from './fixtures/fleet.json';
import type { ControllerRevision, Namespace, Pod, SidecarSet } from './k8s-types';

export const NOW = new Date('2026-11-20T10:00:00Z');

/** A deep copy each time, so a test may mutate its pods freely. */
export function fleetSnapshot(): ClusterSnapshot {
  const f = structuredClone(fleet);
  return {
    pods: f.pods as unknown as Pod[],
    sidecarSets: f.sidecarSets as unknown as SidecarSet[],
    namespaces: f.namespaces as unknown as Namespace[],
    replicaSets: f.replicaSets as unknown as WorkloadObject[],
    deployments: [],
    statefulSets: [],
    daemonSets: [],
    revisions: f.revisions as unknown as ControllerRevision[],
    // core/v1 Events as the API returns them carry more than KubeEvent; the extra fields are ignored.
    events: f.events.map((e) => ({
      metadata: { name: e.metadata.name, namespace: e.metadata.namespace, uid: e.metadata.uid },
      type: e.type,
      reason: e.reason,
      message: e.message,
      involvedObject: e.involvedObject,
      count: e.count,
      firstTimestamp: e.firstTimestamp,
      lastTimestamp: e.lastTimestamp,
      source: e.source.component,
    })) as KubeEvent[],
  };
}

export function podNamed(s: ClusterSnapshot, name: string): Pod {
  const p = s.pods.find((x) => x.metadata.name === name);
  if (!p) throw new Error(`no pod ${name} in the fixture`);
  return p;
}

export function sidecarSetNamed(s: ClusterSnapshot, name: string): SidecarSet {
  const ss = s.sidecarSets.find((x) => x.metadata.name === name);
  if (!ss) throw new Error(`no SidecarSet ${name} in the fixture`);
  return ss;
}
