import type { ReactNode } from 'react';

export function PageHeader({
  title,
  eyebrow,
  description,
  actions,
  children,
}: {
  title: ReactNode;
  eyebrow?: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
  children?: ReactNode;
}) {
  return (
    <div className="mb-3 flex flex-wrap items-start justify-between gap-x-4 gap-y-2">
      <div className="min-w-0">
        {eyebrow && <div className="mb-0.5 text-xs text-zinc-600 dark:text-zinc-400">{eyebrow}</div>}
        <h1 className="text-lg font-semibold tracking-tight break-all">{title}</h1>
        {description && <div className="mt-0.5 text-sm text-zinc-600 dark:text-zinc-400">{description}</div>}
        {children}
      </div>
      {actions && <div className="flex shrink-0 flex-wrap items-center gap-2">{actions}</div>}
    </div>
  );
}
