import type { ReactNode } from 'react';
import { cn } from './cn';
import { AlertTriangleIcon, InfoIcon, LockIcon, XCircleIcon } from './icons';

type BannerTone = 'info' | 'warning' | 'danger' | 'forbidden';

const toneClass: Record<BannerTone, string> = {
  info: 'border-sky-300 bg-sky-50 text-sky-950 dark:border-sky-800 dark:bg-sky-950/50 dark:text-sky-100',
  warning: 'border-amber-300 bg-amber-50 text-amber-950 dark:border-amber-700 dark:bg-amber-950/50 dark:text-amber-100',
  danger: 'border-red-300 bg-red-50 text-red-950 dark:border-red-800 dark:bg-red-950/50 dark:text-red-100',
  forbidden: 'border-zinc-300 bg-zinc-100 text-zinc-900 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100',
};

const toneIcon = { info: InfoIcon, warning: AlertTriangleIcon, danger: XCircleIcon, forbidden: LockIcon };

/**
 * A message strip. `role` is 'status' (polite) for things that change while the page is open
 * and 'alert' only for what needs attention at once.
 */
export function Banner({
  tone,
  title,
  children,
  actions,
  role = 'status',
  className,
}: {
  tone: BannerTone;
  title: ReactNode;
  children?: ReactNode;
  actions?: ReactNode;
  role?: 'status' | 'alert' | 'note';
  className?: string;
}) {
  const Icon = toneIcon[tone];
  return (
    <div role={role} className={cn('flex items-start gap-2 rounded-md border px-3 py-2 text-sm', toneClass[tone], className)}>
      <Icon className="mt-0.5 size-4 shrink-0" />
      <div className="min-w-0 flex-1">
        <p className="font-medium">{title}</p>
        {children && <div className="mt-0.5 text-[13px] opacity-90">{children}</div>}
      </div>
      {actions && <div className="shrink-0">{actions}</div>}
    </div>
  );
}
