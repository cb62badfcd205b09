/**
 * Paths of a cluster's pages (/c/<cluster>/…) and the same page in another cluster. Pure, for
 * server and client components alike.
 */

/** `/c/<cluster>` followed by a path of that cluster's pages (`''`, `/workloads?ns=x`, …). */
export function clusterPath(cluster: string, path = ''): string {
  return `/c/${encodeURIComponent(cluster)}${path}`;
}

/**
 * The current page in another cluster: same path after the cluster segment, same query string
 * (filters, search, sort), so switching clusters keeps what you were looking at. Outside a
 * cluster's pages it leads to that cluster's overview.
 */
export function switchClusterPath(pathname: string, search: string, to: string): string {
  const m = /^\/c\/[^/]+(\/.*)?$/.exec(pathname);
  if (!m) return clusterPath(to);
  const query = search && !search.startsWith('?') ? `?${search}` : search;
  return clusterPath(to, `${m[1] ?? ''}${query}`);
}
