import type { Metadata, Viewport } from 'next';
import { headers } from 'next/headers';
import type { ReactNode } from 'react';
import { themeScript } from '@/components/shell/theme-toggle';
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
        {/* The header and <main> come with each page's layout (components/shell/app-shell.tsx): they name its cluster. */}
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
