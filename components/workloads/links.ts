import type { WorkloadRef } from '@/lib/fleet/views';

/** /workloads/<namespace>/<kind>/<name>; the kind is kept as the API spells it (Deployment, CloneSet...). */
export function workloadHref(ref: WorkloadRef): string {
  return `/workloads/${encodeURIComponent(ref.namespace)}/${encodeURIComponent(ref.kind)}/${encodeURIComponent(ref.name)}`;
}

export function podHref(namespace: string, name: string): string {
  return `/pods/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;
}

export function sidecarSetHref(name: string): string {
  return `/sidecarsets/${encodeURIComponent(name)}`;
}
