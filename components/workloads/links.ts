import { clusterPath } from '@/components/shell/cluster-paths';
import type { WorkloadRef } from '@/lib/fleet/views';

/** /c/<cluster>/workloads/<namespace>/<kind>/<name>; the kind is kept as the API spells it (Deployment, CloneSet...). */
export function workloadHref(cluster: string, ref: WorkloadRef): string {
  return clusterPath(
    cluster,
    `/workloads/${encodeURIComponent(ref.namespace)}/${encodeURIComponent(ref.kind)}/${encodeURIComponent(ref.name)}`,
  );
}

export function podHref(cluster: string, namespace: string, name: string): string {
  return clusterPath(cluster, `/pods/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`);
}

export function sidecarSetHref(cluster: string, name: string): string {
  return clusterPath(cluster, `/sidecarsets/${encodeURIComponent(name)}`);
}

/** The workloads grid of a cluster with a query string (`?ns=payments`, or '' for none). */
export function workloadsHref(cluster: string, query = ''): string {
  return clusterPath(cluster, `/workloads${query}`);
}
