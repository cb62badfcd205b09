import type { ReactNode } from 'react';

/** Field label + control + help/error text, wired for screen readers. */
export function Field({
  id,
  label,
  help,
  errors,
  children,
}: {
  id: string;
  label: ReactNode;
  help?: ReactNode;
  errors?: string[];
  children: ReactNode;
}) {
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      {children}
      {help && (
        <p id={`${id}-help`} className="text-xs text-zinc-600 dark:text-zinc-400">
          {help}
        </p>
      )}
      {errors && errors.length > 0 && (
        <ul id={`${id}-error`} className="space-y-0.5 text-xs text-red-700 dark:text-red-300">
          {errors.map((e) => (
            <li key={e}>{e}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** aria-describedby for a field: its help and its errors. */
export function describedBy(id: string, opts: { help?: boolean; errors?: string[] }): string | undefined {
  const ids = [opts.help ? `${id}-help` : undefined, opts.errors && opts.errors.length > 0 ? `${id}-error` : undefined].filter(Boolean);
  return ids.length > 0 ? ids.join(' ') : undefined;
}

const inputBase =
  'block rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm text-zinc-900 aria-invalid:border-red-600 disabled:opacity-60 dark:border-zinc-700 dark:bg-zinc-950 dark:text-zinc-100 dark:aria-invalid:border-red-400';

export const inputClass = `${inputBase} w-full`;
/** For short values (a number, a percent). */
export const narrowInputClass = `${inputBase} w-40`;
