'use client';

import { useSyncExternalStore } from 'react';
import { formatAge } from './format';

/*
 * One clock for every age on the page, ticking every 5 s: tables are memoized and re-render only
 * when their data changes, so ages keep moving on their own.
 */
const TICK_MS = 5000;
let now = 0;
const listeners = new Set<() => void>();
let timer: number | undefined;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (timer === undefined) {
    now = Date.now();
    timer = window.setInterval(() => {
      now = Date.now();
      for (const l of listeners) l();
    }, TICK_MS);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer !== undefined) {
      window.clearInterval(timer);
      timer = undefined;
    }
  };
}

const getSnapshot = () => now;
const getServerSnapshot = () => 0;

/**
 * kubectl-style age. The server's text may differ from the browser's by a second, so hydration
 * keeps whichever is in the DOM.
 */
export function Age({ iso }: { iso?: string }) {
  const clock = useSyncExternalStore(subscribe, getSnapshot, getServerSnapshot);
  if (!iso) return <span className="text-zinc-600 dark:text-zinc-400">—</span>;
  return (
    <time dateTime={iso} title={iso} suppressHydrationWarning className="tabular-nums">
      {formatAge(iso, clock || Date.now())}
    </time>
  );
}
