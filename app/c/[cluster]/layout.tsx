import type { ReactNode } from 'react';
import { AppShell } from '@/components/shell/app-shell';
import { ClusterConfigError } from '@/components/shell/cluster-unreachable';
import { ClusterScope } from '@/components/shell/cluster-scope';
import { findCluster } from '@/lib/k8s/clusters';

/**
 * Every page of one cluster: /c/<cluster>/… The header names the cluster and offers the others;
 * client components below read it from ClusterScope. An unknown cluster renders the shell without
 * one, and the page's notFound() explains (./not-found.tsx); a cluster configured wrong (a context
 * naming a missing cluster entry) shows what is wrong instead of its pages.
 */
export default async function ClusterLayout({ children, params }: { children: ReactNode; params: Promise<{ cluster: string }> }) {
  const id = (await params).cluster;
  const config = findCluster(id);
  const ref = config ? { id: config.id, name: config.name } : undefined;
  return (
    <ClusterScope cluster={ref}>
      <AppShell cluster={ref?.id}>{config?.error ? <ClusterConfigError name={config.name} message={config.error} /> : children}</AppShell>
    </ClusterScope>
  );
}
