import { redirect } from 'next/navigation';
import { connection } from 'next/server';
import { AppShell } from '@/components/shell/app-shell';
import { NoClusters } from '@/components/shell/no-clusters';
import { clusterPath } from '@/components/shell/cluster-paths';
import { clusterRegistry } from '@/lib/k8s/clusters';

/** `/` opens the default cluster's overview (the kubeconfig's current context, else the first one shown). */
export default async function Home() {
  await connection();
  const registry = clusterRegistry();
  if (registry.defaultId) redirect(clusterPath(registry.defaultId));
  return (
    <AppShell>
      <NoClusters message={registry.error ?? 'No cluster configured.'} warnings={registry.warnings} />
    </AppShell>
  );
}
