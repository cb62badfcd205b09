import 'server-only';
import { notFound, redirect } from 'next/navigation';
import { connection } from 'next/server';
import { clusterPath } from '@/components/shell/cluster-paths';
import { clusterRegistry } from '@/lib/k8s/clusters';

type SearchParams = Record<string, string | string[] | undefined>;

/**
 * Links from before the cluster was part of every URL (/workloads?…, /sidecarsets/x, /pods/ns/x)
 * open the same page in the default cluster, with the same query string.
 */
export async function redirectToDefaultCluster(path: string, searchParams: Promise<SearchParams>): Promise<never> {
  await connection();
  const id = clusterRegistry().defaultId;
  if (!id) notFound();
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(await searchParams))
    for (const one of Array.isArray(v) ? v : v === undefined ? [] : [v]) sp.append(k, one);
  const query = sp.toString();
  redirect(clusterPath(id, `${path}${query ? `?${query}` : ''}`));
}
