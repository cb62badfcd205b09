import type { ComponentProps } from 'react';
import { variants } from './cn';

export const buttonVariants = variants({
  base: 'inline-flex shrink-0 items-center justify-center gap-1.5 whitespace-nowrap rounded-md text-sm font-medium transition-colors no-underline hover:no-underline disabled:pointer-events-none disabled:opacity-50 [&_svg]:size-4 [&_svg]:shrink-0',
  variants: {
    variant: {
      primary: 'bg-sky-700 text-white hover:bg-sky-800',
      secondary:
        'border border-zinc-300 bg-white text-zinc-900 hover:bg-zinc-100 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100 dark:hover:bg-zinc-800',
      ghost: 'text-zinc-700 hover:bg-zinc-200/70 dark:text-zinc-300 dark:hover:bg-zinc-800',
      destructive: 'bg-red-700 text-white hover:bg-red-800 dark:bg-red-600 dark:hover:bg-red-500',
      link: 'text-sky-700 underline-offset-4 hover:underline dark:text-sky-300',
    },
    size: {
      sm: 'h-7 px-2 text-xs',
      md: 'h-8 px-3',
      icon: 'size-8',
    },
  },
  defaults: { variant: 'secondary', size: 'md' },
});

type ButtonProps = ComponentProps<'button'> & {
  variant?: 'primary' | 'secondary' | 'ghost' | 'destructive' | 'link';
  size?: 'sm' | 'md' | 'icon';
};

export function Button({ className, variant, size, type = 'button', ...props }: ButtonProps) {
  return <button type={type} className={buttonVariants({ variant, size, className })} {...props} />;
}
