/**
 * Which clusters have a live view pushed to this tab right now (live-stream.ts counts them): the
 * pulse's query stops polling while one is up. Plain module (no React), so the query-option
 * factories that server components also import can read it.
 */
const streaming = new Map<string, number>();

export function isStreaming(cluster: string): boolean {
  return (streaming.get(cluster) ?? 0) > 0;
}

export function countStream(cluster: string, delta: 1 | -1): void {
  streaming.set(cluster, Math.max(0, (streaming.get(cluster) ?? 0) + delta));
  // How many views are pushed right now, on <html data-live-streams> (for tests and for anyone
  // wondering in the devtools whether the page polls).
  if (typeof document !== 'undefined') {
    let n = 0;
    for (const v of streaming.values()) n += v;
    document.documentElement.dataset.liveStreams = String(n);
  }
}
