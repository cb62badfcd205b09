'use client';

import Link from 'next/link';
import { usePathname, useSearchParams } from 'next/navigation';
import { useEffect, useId, useRef, useState } from 'react';
import { cn } from '@/components/ui/cn';
import { ChevronDownIcon } from '@/components/ui/icons';
import type { ConfiguredCluster } from '@/lib/fleet/views';
import { switchClusterPath } from './cluster-paths';

/**
 * The header's cluster switcher: a disclosure button and a list of links, one per configured
 * cluster, each to the page you are on (with its filters) in that cluster. Links, not a <select>,
 * so moving through the choices with the keyboard never navigates; Escape closes the list and
 * gives focus back to the button, as does a click elsewhere.
 */
export function ClusterSwitcher({ clusters, current }: { clusters: ConfiguredCluster[]; current?: string }) {
  const pathname = usePathname();
  const search = useSearchParams().toString();
  const [open, setOpen] = useState(false);
  const listId = useId();
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    const onDown = (e: PointerEvent) => {
      if (root.current && !root.current.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      setOpen(false);
      button.current?.focus();
    };
    document.addEventListener('pointerdown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  // A link followed (or the back button): the list closes with the page change.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on navigation on purpose
  useEffect(() => setOpen(false), [pathname, search]);

  if (clusters.length < 2) return null;
  const here = clusters.find((c) => c.id === current);
  return (
    <div ref={root} className="relative">
      <button
        ref={button}
        type="button"
        aria-expanded={open}
        aria-controls={listId}
        onClick={() => setOpen((o) => !o)}
        className="inline-flex items-center gap-1 rounded-md border border-zinc-300 px-2 py-1 text-sm font-medium text-zinc-800 hover:bg-zinc-100 dark:border-zinc-700 dark:text-zinc-200 dark:hover:bg-zinc-800"
      >
        <span className="sr-only">Switch cluster, current: </span>
        {here ? here.name : 'Choose a cluster'}
        <span className="text-xs font-normal text-zinc-600 dark:text-zinc-400">({clusters.length} clusters)</span>
        <ChevronDownIcon className="size-3.5" />
      </button>
      <nav
        id={listId}
        aria-label="Clusters"
        hidden={!open}
        className="absolute right-0 z-40 mt-1 w-80 rounded-md border border-zinc-200 bg-white p-1 shadow-lg dark:border-zinc-700 dark:bg-zinc-900"
      >
        <ul>
          {clusters.map((c) => {
            const active = c.id === current;
            return (
              <li key={c.id}>
                <Link
                  href={switchClusterPath(pathname, search, c.id)}
                  prefetch={false}
                  aria-current={active ? 'page' : undefined}
                  className={cn(
                    'block rounded px-2 py-1.5 text-zinc-900 no-underline hover:bg-zinc-100 hover:no-underline dark:text-zinc-100 dark:hover:bg-zinc-800',
                    active && 'bg-zinc-100 font-semibold dark:bg-zinc-800',
                  )}
                >
                  <span className="block text-sm">
                    {c.name}
                    {active && <span className="ml-1 text-xs font-normal text-zinc-600 dark:text-zinc-400"> (shown now)</span>}
                  </span>
                  <span className="block truncate font-mono text-xs font-normal text-zinc-600 dark:text-zinc-400">
                    {' '}
                    {c.context ?? c.source}
                    {c.server ? ` · ${c.server}` : ''}
                  </span>
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>
    </div>
  );
}
