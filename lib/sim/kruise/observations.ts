/**
 * What a Kruise scenario records for the comparison with real Kruise: the parts of SidecarSets,
 * pods and ControllerRevisions that Kruise decides (status, injected containers and their order,
 * env, volumes, the kruise.io annotations, revisions), as plain JSON. Pods are recorded as a
 * multiset: sorted by content, since their names are generated.
 */
import type { ControllerRevision, Pod, SidecarSet } from '@/lib/fleet/k8s-types';

/** Annotations Kruise writes, JSON-valued ones parsed so a difference points at a field. */
function kruiseAnnotations(annotations: Record<string, string> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(annotations ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    if (!k.includes('kruise.io/')) continue;
    try {
      out[k] = v.startsWith('{') || v.startsWith('[') ? JSON.parse(v) : v;
    } catch {
      out[k] = v;
    }
  }
  return out;
}

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

export function observePod(p: Pod): Record<string, unknown> {
  return {
    name: p.metadata.name,
    namespace: p.metadata.namespace,
    annotations: kruiseAnnotations(p.metadata.annotations),
    containers: p.spec.containers,
    initContainers: p.spec.initContainers ?? [],
    // Sorted by name: Kruise's pod webhook takes the SidecarSets of one scope from a cache index in
    // Go map order (client-go's ByIndex), so two SidecarSets' volumes and secrets come in either
    // order, from pod to pod and run to run.
    volumes: [...(p.spec.volumes ?? [])].sort(byName),
    imagePullSecrets: [...(p.spec.imagePullSecrets ?? [])].sort(byName),
    // Kruise's own pod conditions (e.g. SidecarSetUpgradable), not the kubelet's.
    kruiseConditions: (p.status?.conditions ?? [])
      .filter((c) => !['PodScheduled', 'Initialized', 'Ready', 'ContainersReady', 'PodReadyToStartContainers'].includes(c.type))
      .map((c) => ({ type: c.type, status: c.status, reason: c.reason, message: c.message })),
  };
}

/** Fields whose values differ from run to run (times), left out of the key pods are sorted by. */
const RUN_VARYING = new Set(['updateTimestamp', 'lastTransitionTime', 'creationTimestamp']);

/**
 * Pods sorted by everything but their generated names and the times in them, so two clusters'
 * pods line up: pods alike but for a time must not be ordered by it, or a pod of one kind on one
 * cluster would be compared with a pod of another kind on the other.
 */
export function observePods(pods: Pod[]): Array<Record<string, unknown>> {
  const key = (o: Record<string, unknown>) => JSON.stringify({ ...o, name: undefined }, (k, v) => (RUN_VARYING.has(k) ? undefined : v));
  return pods.map(observePod).sort((a, b) => key(a).localeCompare(key(b)));
}

export function observeSidecarSet(ss: SidecarSet): Record<string, unknown> {
  return {
    name: ss.metadata.name,
    generation: ss.metadata.generation,
    labels: ss.metadata.labels ?? {},
    annotations: kruiseAnnotations(ss.metadata.annotations),
    spec: ss.spec,
    status: ss.status,
  };
}

export function observeRevisions(revs: ControllerRevision[]): Array<Record<string, unknown>> {
  return revs.map((r) => ({
    name: r.metadata.name,
    namespace: r.metadata.namespace,
    revision: r.revision,
    labels: r.metadata.labels ?? {},
    annotations: kruiseAnnotations(r.metadata.annotations),
    data: r.data,
  }));
}
