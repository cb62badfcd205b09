import 'server-only';
import type { FleetClient } from './config';
import type { K8sError } from './errors';
import { requestJson } from './http';

export type KruiseVersion = 'v1beta1' | 'v1alpha1';

export interface Discovery {
  /** SidecarSet version served: v1beta1 (Kruise ≥ 1.9) preferred, else v1alpha1; null = not installed. */
  kruiseVersion: KruiseVersion | null;
  gitVersion?: string;
  /** The server calls itself the built-in cluster (its gitVersion carries "sim"). */
  builtInByVersion: boolean;
  /** Discovery failed: unknown whether Kruise is installed. */
  error?: K8sError;
}

interface APIGroup {
  versions?: Array<{ groupVersion?: string; version?: string }>;
}

/**
 * `GET /apis/apps.kruise.io` then `/version`. A 404 on the group means Kruise is not installed:
 * the dashboard still shows pods and their containers. Any other failure is reported as unknown.
 */
export async function discover(client: FleetClient): Promise<Discovery> {
  const [group, version] = await Promise.all([
    requestJson<APIGroup>(client, { path: '/apis/apps.kruise.io', timeoutMs: 10_000 }),
    requestJson<{ gitVersion?: string }>(client, { path: '/version', timeoutMs: 10_000 }),
  ]);
  const out: Discovery = { kruiseVersion: null, builtInByVersion: false };
  if (version.ok) {
    out.gitVersion = version.value.gitVersion;
    out.builtInByVersion = /sim/i.test(version.value.gitVersion ?? '');
  }
  if (group.ok) {
    const served = new Set((group.value.versions ?? []).map((v) => v.version));
    if (served.has('v1beta1')) out.kruiseVersion = 'v1beta1';
    else if (served.has('v1alpha1')) out.kruiseVersion = 'v1alpha1';
    // Neither served: the group exists for other Kruise kinds only; SidecarSets are unavailable.
    if (out.kruiseVersion && !(await servesSidecarSets(client, out.kruiseVersion))) out.kruiseVersion = null;
  } else if (group.error.kind !== 'NotFound') {
    out.error = group.error;
  }
  if (!version.ok && !out.error) out.error = version.error;
  return out;
}

async function servesSidecarSets(client: FleetClient, v: KruiseVersion): Promise<boolean> {
  const r = await requestJson<{ resources?: Array<{ name?: string }> }>(client, {
    path: `/apis/apps.kruise.io/${v}`,
    timeoutMs: 10_000,
  });
  // When the resource list cannot be read, trust the group listing rather than hide SidecarSets.
  if (!r.ok) return true;
  return (r.value.resources ?? []).some((res) => res.name === 'sidecarsets');
}
