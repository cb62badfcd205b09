import Link from 'next/link';
import { AppShell } from '@/components/shell/app-shell';
import { buttonVariants } from '@/components/ui/button';

export default function NotFound() {
  return (
    <AppShell>
      <div className="mx-auto mt-8 max-w-xl rounded-lg border border-zinc-200 bg-white p-5 dark:border-zinc-800 dark:bg-zinc-900">
        <h1 className="text-base font-semibold">Not found</h1>
        <p className="mt-2 text-sm text-zinc-700 dark:text-zinc-300">
          No page has this address. Pages of a cluster are under /c/&lt;cluster&gt;/.
        </p>
        <div className="mt-4 flex gap-2">
          <Link href="/" className={buttonVariants({ variant: 'primary' })}>
            Fleet overview
          </Link>
          <Link href="/clusters" className={buttonVariants({ variant: 'secondary' })}>
            Across clusters
          </Link>
        </div>
      </div>
    </AppShell>
  );
}
