'use client';

import { type ReactNode, useEffect, useId, useRef } from 'react';
import { Button } from '@/components/ui/button';
import type { ClusterRef } from '@/lib/fleet/views';

/**
 * A modal on the native <dialog>: the browser traps focus, makes the page behind it inert, closes
 * it on Escape and gives focus back to the button that opened it. Content renders only while
 * open, so a dialog loads what it shows when it opens. A dialog that acts on a cluster names it
 * above its title, and in its accessible description.
 */
export function Modal({
  open,
  onClose,
  title,
  description,
  children,
  wide = false,
  cluster,
}: {
  open: boolean;
  onClose: () => void;
  title: ReactNode;
  description?: ReactNode;
  children: ReactNode;
  wide?: boolean;
  cluster?: ClusterRef;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descId = useId();
  const clusterLineId = useId();
  const describedBy = [cluster ? clusterLineId : undefined, description ? descId : undefined].filter(Boolean).join(' ');

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
      aria-describedby={describedBy || undefined}
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
              {cluster && (
                <p id={clusterLineId} className="mb-1 text-xs text-zinc-700 dark:text-zinc-300">
                  In cluster{' '}
                  <span className="rounded bg-sky-100 px-1 font-semibold text-sky-950 dark:bg-sky-950 dark:text-sky-100">
                    {cluster.name}
                  </span>
                </p>
              )}
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
