'use client';

import { type ReactNode, useEffect, useId, useRef } from 'react';
import { Button } from '@/components/ui/button';

/**
 * A modal on the native <dialog>: the browser traps focus, makes the page behind it inert, closes
 * it on Escape and gives focus back to the button that opened it. Content renders only while
 * open, so a dialog loads what it shows when it opens.
 */
export function Modal({
  open,
  onClose,
  title,
  description,
  children,
  wide = false,
}: {
  open: boolean;
  onClose: () => void;
  title: ReactNode;
  description?: ReactNode;
  children: ReactNode;
  wide?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descId = useId();

  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);

  return (
    <dialog
      ref={ref}
      onClose={onClose}
      aria-labelledby={titleId}
      aria-describedby={description ? descId : undefined}
      className={
        wide
          ? 'm-auto max-h-[calc(100vh-3rem)] w-[min(56rem,calc(100vw-2rem))] overflow-y-auto rounded-lg border border-zinc-300 bg-white p-0 text-zinc-900 shadow-xl backdrop:bg-zinc-950/50 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100'
          : 'm-auto max-h-[calc(100vh-3rem)] w-[min(40rem,calc(100vw-2rem))] overflow-y-auto rounded-lg border border-zinc-300 bg-white p-0 text-zinc-900 shadow-xl backdrop:bg-zinc-950/50 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100'
      }
    >
      {open && (
        <div className="p-4">
          <div className="mb-3 flex items-start justify-between gap-4">
            <div>
              <h2 id={titleId} className="text-base font-semibold">
                {title}
              </h2>
              {description && (
                <p id={descId} className="mt-0.5 text-sm text-zinc-600 dark:text-zinc-400">
                  {description}
                </p>
              )}
            </div>
            <Button variant="ghost" size="sm" onClick={onClose} aria-label="Close dialog">
              Close
            </Button>
          </div>
          {children}
        </div>
      )}
    </dialog>
  );
}

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
