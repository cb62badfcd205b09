import type { ComponentProps } from 'react';
import { cn } from './cn';

/** A dense data table. The wrapper scrolls horizontally; `caption` names the table for screen readers. */
export function Table({
  caption,
  captionHidden = true,
  className,
  children,
  ...props
}: ComponentProps<'table'> & { caption: string; captionHidden?: boolean }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
      <table className={cn('w-full border-collapse text-left text-sm', className)} {...props}>
        <caption className={cn(captionHidden ? 'sr-only' : 'px-3 py-2 text-left text-xs text-zinc-600 caption-bottom dark:text-zinc-400')}>
          {caption}
        </caption>
        {children}
      </table>
    </div>
  );
}

export function THead({ className, ...props }: ComponentProps<'thead'>) {
  return (
    <thead
      className={cn(
        'sticky top-0 z-10 border-b border-zinc-200 bg-zinc-100/95 text-xs text-zinc-600 dark:border-zinc-800 dark:bg-zinc-900/95 dark:text-zinc-400',
        className,
      )}
      {...props}
    />
  );
}

export function TBody({ className, ...props }: ComponentProps<'tbody'>) {
  return <tbody className={cn('divide-y divide-zinc-100 dark:divide-zinc-800/80', className)} {...props} />;
}

export function Tr({ className, ...props }: ComponentProps<'tr'>) {
  return <tr className={cn('hover:bg-zinc-50 dark:hover:bg-zinc-800/40', className)} {...props} />;
}

export function Th({ className, scope = 'col', ...props }: ComponentProps<'th'>) {
  return (
    <th
      scope={scope}
      className={cn(scope !== 'col' ? 'px-2 py-1.5 font-medium align-top' : 'px-2 py-1.5 font-semibold whitespace-nowrap', className)}
      {...props}
    />
  );
}

export function Td({ className, ...props }: ComponentProps<'td'>) {
  return <td className={cn('px-2 py-1.5 align-top', className)} {...props} />;
}
