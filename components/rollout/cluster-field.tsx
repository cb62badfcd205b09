'use client';

import { useCluster } from '@/components/shell/cluster-scope';

/** The form's cluster, sent with every action: the server checks it against the configured clusters. */
export function ClusterField() {
  return <input type="hidden" name="cluster" value={useCluster().id} />;
}
