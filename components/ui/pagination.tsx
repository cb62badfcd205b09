import Link from 'next/link';
import { cn } from './cn';
import { buttonVariants } from './button';
import { ChevronLeftIcon, ChevronRightIcon } from './icons';

/** Page links (server-side pagination): every page is a URL, so a page can be shared and reloaded. */
export function Pagination({
  page,
  pageSize,
  total,
  hrefFor,
  label = 'Pagination',
  noun = 'items',
}: {
  page: number;
  pageSize: number;
  total: number;
  hrefFor: (page: number) => string;
  label?: string;
  noun?: string;
}) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const current = Math.min(Math.max(1, page), pages);
  const from = total === 0 ? 0 : (current - 1) * pageSize + 1;
  const to = Math.min(total, current * pageSize);
  const shown = pageWindow(current, pages);
  return (
    <nav aria-label={label} className="flex flex-wrap items-center justify-between gap-2 text-xs">
      <p className="text-zinc-600 dark:text-zinc-400">
        {from}–{to} of {total} {noun}
      </p>
      {pages > 1 && (
        <ul className="flex items-center gap-1">
          <li>
            <PageLink href={hrefFor(current - 1)} disabled={current <= 1} label="Previous page">
              <ChevronLeftIcon />
            </PageLink>
          </li>
          {shown.map((p, i) =>
            p === null ? (
              <li key={`gap-${i}`} aria-hidden="true" className="px-1 text-zinc-600 dark:text-zinc-400">
                …
              </li>
            ) : (
              <li key={p}>
                <Link
                  prefetch={false}
                  href={hrefFor(p)}
                  aria-label={`Page ${p}`}
                  aria-current={p === current ? 'page' : undefined}
                  scroll={false}
                  className={cn(buttonVariants({ variant: p === current ? 'primary' : 'ghost', size: 'sm' }), 'min-w-7 tabular-nums')}
                >
                  {p}
                </Link>
              </li>
            ),
          )}
          <li>
            <PageLink href={hrefFor(current + 1)} disabled={current >= pages} label="Next page">
              <ChevronRightIcon />
            </PageLink>
          </li>
        </ul>
      )}
    </nav>
  );
}

function PageLink({ href, disabled, label, children }: { href: string; disabled: boolean; label: string; children: React.ReactNode }) {
  const cls = buttonVariants({ variant: 'ghost', size: 'sm' });
  if (disabled) {
    return (
      <span className={cn(cls, 'opacity-40')}>
        {children}
        <span className="sr-only">{label} (none)</span>
      </span>
    );
  }
  return (
    <Link prefetch={false} href={href} aria-label={label} scroll={false} className={cls}>
      {children}
    </Link>
  );
}

/** 1 … 4 5 [6] 7 8 … 20 */
function pageWindow(current: number, pages: number): Array<number | null> {
  const out: Array<number | null> = [];
  const lo = Math.max(2, current - 2);
  const hi = Math.min(pages - 1, current + 2);
  out.push(1);
  if (lo > 2) out.push(null);
  for (let p = lo; p <= hi; p++) out.push(p);
  if (hi < pages - 1) out.push(null);
  if (pages > 1) out.push(pages);
  return out;
}
