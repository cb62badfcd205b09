import 'server-only';
import { z } from 'zod';
import { clusterRegistry, findCluster, UnknownClusterError } from '@/lib/k8s/clusters';
import { clusterSession, type FleetSession } from '@/lib/k8s/fleet';

/**
 * A cluster id from a URL or a form, checked against the configured clusters: the API routes,
 * the pages and the server actions all parse with it. An id that names no configured cluster is
 * refused with the list of the ones there are.
 */
export const CLUSTER_ID = z
  .string({ error: 'A cluster is required.' })
  .min(1, 'A cluster is required.')
  .max(253)
  .refine((id) => findCluster(id) !== undefined, {
    error: (issue) =>
      new UnknownClusterError(
        String(issue.input),
        clusterRegistry().clusters.map((c) => c.id),
      ).message,
  });

export type ClusterParse =
  | { ok: true; session: FleetSession }
  | { ok: false; kind: 'UnknownCluster' | 'NoCluster'; status: 404 | 503; message: string };

/** The server's session on the cluster a request names, or why there is none (unknown, or configured wrong). */
export function parseCluster(raw: unknown): ClusterParse {
  const parsed = CLUSTER_ID.safeParse(typeof raw === 'string' ? decoded(raw) : raw);
  if (!parsed.success) {
    return { ok: false, kind: 'UnknownCluster', status: 404, message: parsed.error.issues[0]?.message ?? 'Unknown cluster.' };
  }
  try {
    return { ok: true, session: clusterSession(parsed.data) };
  } catch (e) {
    // A context that names no cluster or user, an in-cluster token that cannot be read…
    return { ok: false, kind: 'NoCluster', status: 503, message: e instanceof Error ? e.message : String(e) };
  }
}

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
