import type { ComponentProps } from 'react';
import { variants } from './cn';

export const badgeVariants = variants({
  base: 'inline-flex items-center gap-1 rounded px-1.5 py-px text-xs font-medium whitespace-nowrap',
  variants: {
    variant: {
      default: 'bg-zinc-200/80 text-zinc-800 dark:bg-zinc-800 dark:text-zinc-200',
      outline: 'border border-zinc-300 text-zinc-700 dark:border-zinc-700 dark:text-zinc-300',
      mono: 'bg-zinc-100 font-mono font-normal text-zinc-800 dark:bg-zinc-800/80 dark:text-zinc-200',
      info: 'bg-sky-100 text-sky-900 dark:bg-sky-950 dark:text-sky-200',
      warning: 'bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200',
    },
  },
  defaults: { variant: 'default' },
});

export function Badge({
  className,
  variant,
  ...props
}: ComponentProps<'span'> & { variant?: 'default' | 'outline' | 'mono' | 'info' | 'warning' }) {
  return <span className={badgeVariants({ variant, className })} {...props} />;
}
