'use client';

import { type QueryKey, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { countStream } from './streaming';

/**
 * A live view pushed by the server (app/api/c/[cluster]/live/route.ts): one EventSource per open
 * view puts each pushed answer into the view's query and the pulse's, so a tab stops polling
 * while its stream is up. Hand-written on the browser's EventSource: what no query library does is
 * tie one stream to two queries and fall back to polling when it fails.
 *
 * The stream is up from its first view event until an error: while the browser reconnects (after
 * the server's 5-minute limit, or a network drop) the page polls again; after a `failed` event
 * (the view is gone, access was lost) it stays on polling, which shows the error as usual.
 */
export function useLiveStream(cluster: string, path: string | undefined, queryKey: QueryKey, pulseKey: QueryKey): boolean {
  const queryClient = useQueryClient();
  const [up, setUp] = useState(false);
  const keys = JSON.stringify([queryKey, pulseKey]);

  useEffect(() => {
    if (!path || typeof EventSource === 'undefined') return;
    const [viewKey, pulse] = JSON.parse(keys) as [QueryKey, QueryKey];
    const es = new EventSource(`/api/c/${encodeURIComponent(cluster)}/live?view=${encodeURIComponent(path)}`);
    let counted = false;
    const mark = (on: boolean) => {
      if (on === counted) return;
      counted = on;
      countStream(cluster, on ? 1 : -1);
      setUp(on);
      // Down: the pulse's next answer re-arms its polling (its interval is read on each update).
      if (!on) void queryClient.invalidateQueries({ queryKey: pulse });
    };
    es.addEventListener('pulse', (e) => queryClient.setQueryData(pulse, JSON.parse((e as MessageEvent<string>).data)));
    es.addEventListener('view', (e) => {
      queryClient.setQueryData(viewKey, JSON.parse((e as MessageEvent<string>).data));
      mark(true);
    });
    es.addEventListener('failed', () => {
      es.close();
      mark(false);
    });
    es.onerror = () => mark(false);
    return () => {
      es.close();
      mark(false);
    };
  }, [cluster, path, keys, queryClient]);

  return up;
}
