import Link from 'next/link';
import { connection } from 'next/server';
import { type ReactNode, Suspense } from 'react';
import { ClusterBadge, ClusterBadgeSkeleton } from '@/components/shell/cluster-badge';
import { ClusterSwitcher } from '@/components/shell/cluster-switcher';
import { NavLinks } from '@/components/shell/nav-links';
import { ThemeToggle } from '@/components/shell/theme-toggle';
import { LayersIcon } from '@/components/ui/icons';
import { clusterRegistry } from '@/lib/k8s/clusters';
import { clusterPath } from './cluster-paths';

/**
 * The header and main landmark of every page: the app name, the navigation (this cluster's pages
 * and the view across clusters), the cluster switcher, which cluster this is and as whom, the
 * theme. `cluster` is the cluster the page shows, when it shows one.
 */
export async function AppShell({ cluster, children }: { cluster?: string; children: ReactNode }) {
  // The configuration is read from the environment of the running server, never at build time.
  await connection();
  const registry = clusterRegistry();
  const home = cluster ?? registry.defaultId;
  return (
    <Frame
      header={
        <>
          <Link
            href={home ? clusterPath(home) : '/'}
            className="flex items-center gap-1.5 font-semibold text-zinc-900 no-underline hover:no-underline dark:text-zinc-50"
          >
            <LayersIcon className="size-5 text-sky-700 dark:text-sky-400" />
            Sidecar Fleet
          </Link>
          <nav aria-label="Main">
            <NavLinks cluster={home} />
          </nav>
          <div className="ml-auto flex flex-wrap items-center gap-3">
            <Suspense fallback={null}>
              <ClusterSwitcher clusters={registry.clusters} current={cluster} />
            </Suspense>
            {cluster && (
              <Suspense fallback={<ClusterBadgeSkeleton />}>
                <ClusterBadge cluster={cluster} />
              </Suspense>
            )}
            <ThemeToggle />
          </div>
        </>
      }
    >
      {children}
    </Frame>
  );
}

/** The sticky header bar and the main landmark (the skip link's target) every page has. */
function Frame({ header, children }: { header: ReactNode; children: ReactNode }) {
  return (
    <>
      <header className="sticky top-0 z-30 border-b border-zinc-200 bg-white/95 backdrop-blur dark:border-zinc-800 dark:bg-zinc-900/95">
        <div className="mx-auto flex max-w-[1600px] flex-wrap items-center gap-x-4 gap-y-1 px-4 py-2">{header}</div>
      </header>
      <main id="main" tabIndex={-1} className="mx-auto max-w-[1600px] px-4 py-4 focus:outline-none">
        {children}
      </main>
    </>
  );
}

/**
 * The header and main landmark of the sign-in page: the app name and the theme, nothing about the
 * configured clusters (their names are for people signed in).
 */
export function SignedOutShell({ children }: { children: ReactNode }) {
  return (
    <Frame
      header={
        <>
          <span className="flex items-center gap-1.5 font-semibold text-zinc-900 dark:text-zinc-50">
            <LayersIcon className="size-5 text-sky-700 dark:text-sky-400" />
            Sidecar Fleet
          </span>
          <div className="ml-auto">
            <ThemeToggle />
          </div>
        </>
      }
    >
      {children}
    </Frame>
  );
}
