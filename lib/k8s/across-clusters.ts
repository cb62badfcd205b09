import 'server-only';
import {
  type AcrossClustersView,
  type ClusterFleetInput,
  compareAcrossClusters,
  type ImageSearchView,
  searchImagesAcrossClusters,
} from '@/lib/fleet/across-clusters';
import { clusterRegistry } from './clusters';
import { isK8sError } from './errors';
import { clusterSession, getClusterFleet } from './fleet';

/**
 * Every configured cluster read at once, each from its own shared cache (opened here if it was not
 * open). One cluster that cannot be read becomes its error, in place; the others are compared
 * (lib/fleet/across-clusters.ts does the comparing).
 */
export async function readClusterFleets(): Promise<ClusterFleetInput[]> {
  return Promise.all(
    clusterRegistry().clusters.map(async (c): Promise<ClusterFleetInput> => {
      const cluster = { id: c.id, name: c.name };
      try {
        return { cluster, view: await getClusterFleet(clusterSession(c.id)) };
      } catch (e) {
        const error: { code?: number; message: string } = { message: e instanceof Error ? e.message : String(e) };
        if (isK8sError(e) && e.code !== undefined) error.code = e.code;
        return { cluster, error };
      }
    }),
  );
}

export async function getAcrossClusters(): Promise<AcrossClustersView> {
  return compareAcrossClusters(await readClusterFleets());
}

export async function getImageSearch(query: string): Promise<ImageSearchView> {
  return searchImagesAcrossClusters(await readClusterFleets(), query);
}
