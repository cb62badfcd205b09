import type { Metadata, Viewport } from 'next';
import { headers } from 'next/headers';
import Link from 'next/link';
import { type ReactNode, Suspense } from 'react';
import { ClusterBadge, ClusterBadgeSkeleton } from '@/components/shell/cluster-badge';
import { NavLinks } from '@/components/shell/nav-links';
import { ThemeToggle, themeScript } from '@/components/shell/theme-toggle';
import { LayersIcon } from '@/components/ui/icons';
import { Providers } from './providers';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Sidecar Fleet', template: '%s · Sidecar Fleet' },
  description: 'OpenKruise SidecarSets: sidecar versions and health per workload, rollout state and why.',
};

export const viewport: Viewport = {
  colorScheme: 'light dark',
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // proxy.ts puts a fresh nonce in the Content-Security-Policy: the one inline script carries it.
  const nonce = (await headers()).get('x-nonce') ?? undefined;
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        {/* Sets the theme class before first paint, so a dark-mode user never sees a light flash. */}
        {/* biome-ignore lint/security/noDangerouslySetInnerHtml: a constant script, no user input */}
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: themeScript }} />
      </head>
      <body className="min-h-screen font-sans text-sm">
        <a
          href="#main"
          className="sr-only z-50 rounded bg-white px-3 py-2 text-sm focus:not-sr-only focus:fixed focus:left-2 focus:top-2 dark:bg-zinc-900"
        >
          Skip to content
        </a>
        <Providers>
          <header className="sticky top-0 z-30 border-b border-zinc-200 bg-white/95 backdrop-blur dark:border-zinc-800 dark:bg-zinc-900/95">
            <div className="mx-auto flex max-w-[1600px] flex-wrap items-center gap-x-4 gap-y-1 px-4 py-2">
              <Link
                href="/"
                className="flex items-center gap-1.5 font-semibold text-zinc-900 no-underline hover:no-underline dark:text-zinc-50"
              >
                <LayersIcon className="size-5 text-sky-700 dark:text-sky-400" />
                Sidecar Fleet
              </Link>
              <nav aria-label="Main">
                <NavLinks />
              </nav>
              <div className="ml-auto flex items-center gap-3">
                <Suspense fallback={<ClusterBadgeSkeleton />}>
                  <ClusterBadge />
                </Suspense>
                <ThemeToggle />
              </div>
            </div>
          </header>
          <main id="main" tabIndex={-1} className="mx-auto max-w-[1600px] px-4 py-4 focus:outline-none">
            {children}
          </main>
        </Providers>
      </body>
    </html>
  );
}
