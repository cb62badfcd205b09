'use client';

import { formatAge } from './format';

/**
 * An age that is recomputed on every render (live tables re-render with each poll). The server's
 * text may differ from the browser's by a second, so hydration keeps whichever is in the DOM.
 */
export function Age({ iso }: { iso?: string }) {
  if (!iso) return <span className="text-zinc-500">—</span>;
  return (
    <time dateTime={iso} title={iso} suppressHydrationWarning className="tabular-nums">
      {formatAge(iso)}
    </time>
  );
}
