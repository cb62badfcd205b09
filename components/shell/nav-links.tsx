'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { cn } from '@/components/ui/cn';
import { clusterPath } from './cluster-paths';

/**
 * The main navigation: the current cluster's overview and workloads (the default cluster's
 * outside a cluster page), and the view across every cluster.
 */
export function NavLinks({ cluster }: { cluster?: string }) {
  const pathname = usePathname();
  const base = cluster ? clusterPath(cluster) : undefined;
  const links = [
    ...(base
      ? [
          {
            href: base,
            label: 'Overview',
            match: (p: string) => p === base || p.startsWith(`${base}/sidecarsets`),
          },
          {
            href: `${base}/workloads`,
            label: 'Workloads',
            match: (p: string) => p.startsWith(`${base}/workloads`) || p.startsWith(`${base}/pods`),
          },
        ]
      : []),
    { href: '/clusters', label: 'Across clusters', match: (p: string) => p === '/clusters' },
  ];
  return (
    <ul className="flex items-center gap-1">
      {links.map((l) => {
        const active = l.match(pathname);
        return (
          <li key={l.href}>
            <Link
              href={l.href}
              aria-current={active ? 'page' : undefined}
              className={cn(
                'rounded-md px-2 py-1 text-sm font-medium text-zinc-700 no-underline hover:bg-zinc-200/70 hover:no-underline dark:text-zinc-300 dark:hover:bg-zinc-800',
                active && 'bg-zinc-200 text-zinc-950 dark:bg-zinc-800 dark:text-white',
              )}
            >
              {l.label}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
