import { connection } from 'next/server';
import { ClusterNotFound } from '@/components/shell/cluster-not-found';
import { clusterRegistry } from '@/lib/k8s/clusters';

/** A cluster page that names nothing: an unknown cluster, or an object that is not in this cluster. */
export default async function NotFound() {
  await connection();
  const clusters = clusterRegistry().clusters.map((c) => ({ id: c.id, name: c.name }));
  return <ClusterNotFound clusters={clusters} />;
}
