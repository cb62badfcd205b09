'use client';

import { createContext, type ReactNode, useContext } from 'react';
import type { ClusterRef } from '@/lib/fleet/views';

/**
 * The cluster a page under /c/<cluster>/ shows, for the client components inside it: their
 * queries, links and action forms all name it. Set once by the cluster layout.
 */
const ClusterContext = createContext<ClusterRef | undefined>(undefined);

export function ClusterScope({ cluster, children }: { cluster: ClusterRef | undefined; children: ReactNode }) {
  return <ClusterContext.Provider value={cluster}>{children}</ClusterContext.Provider>;
}

/** The current cluster; only for components rendered under /c/<cluster>/. */
export function useCluster(): ClusterRef {
  const c = useContext(ClusterContext);
  if (!c) throw new Error('useCluster() outside a cluster page (/c/<cluster>/…)');
  return c;
}

/** The current cluster, or undefined outside /c/<cluster>/ (the not-found page, /clusters). */
export function useOptionalCluster(): ClusterRef | undefined {
  return useContext(ClusterContext);
}
