import type { ReactNode } from 'react';
import { InfoIcon } from './icons';

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="flex flex-col items-center gap-1 rounded-lg border border-dashed border-zinc-300 px-4 py-8 text-center dark:border-zinc-700">
      <InfoIcon className="size-5 text-zinc-400" />
      <p className="text-sm font-medium">{title}</p>
      {children && <div className="max-w-prose text-sm text-zinc-600 dark:text-zinc-400">{children}</div>}
    </div>
  );
}
