import { type ClassValue, clsx } from 'clsx';
import { twMerge } from 'tailwind-merge';

/**
 * Joins class names, skipping falsy ones; when two Tailwind classes set the same property, the
 * later wins (`cn('px-2', 'px-4')` is `px-4`), so a `className` prop can override a variant.
 * Class names stay whole strings so Tailwind sees them.
 */
export function cn(...classes: ClassValue[]): string {
  return twMerge(clsx(classes));
}

type VariantMap = Record<string, Record<string, string>>;
type VariantProps<V extends VariantMap> = { [K in keyof V]?: keyof V[K] };

/**
 * A tiny stand-in for `cva`: a base class string plus one whole class string per variant value.
 * Returns a function from variant props (and an extra className) to the class string.
 */
export function variants<V extends VariantMap>(config: { base: string; variants: V; defaults: { [K in keyof V]: keyof V[K] } }) {
  return (props: VariantProps<V> & { className?: string } = {}): string => {
    const picked = Object.keys(config.variants).map((key) => {
      const value = (props[key] ?? config.defaults[key]) as string;
      return config.variants[key]?.[value];
    });
    return cn(config.base, ...picked, props.className);
  };
}
