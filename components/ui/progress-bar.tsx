import { cn } from './cn';

export interface ProgressSegment {
  value: number;
  /** Whole class string for the segment's fill. */
  className: string;
  label: string;
}

/**
 * A stacked progress bar with role="progressbar". `value` of `max` is what the bar announces;
 * the segments only draw it (e.g. updated-and-ready, then updated-not-ready).
 */
export function ProgressBar({
  value,
  max,
  label,
  valueText,
  segments,
  className,
}: {
  value: number;
  max: number;
  label: string;
  valueText?: string;
  segments?: ProgressSegment[];
  className?: string;
}) {
  const safeMax = Math.max(max, 0);
  const parts = segments ?? [{ value, className: 'bg-sky-600 dark:bg-sky-500', label }];
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={safeMax}
      aria-valuenow={Math.min(value, safeMax)}
      aria-valuetext={valueText ?? `${value} of ${safeMax}`}
      className={cn('flex h-2 overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800', className ?? 'w-full')}
    >
      {safeMax > 0 &&
        parts.map((s) =>
          s.value > 0 ? (
            <div
              key={s.label}
              title={`${s.label}: ${s.value}`}
              className={cn('h-full transition-[width] duration-500', s.className)}
              style={{ width: `${Math.min(100, (s.value / safeMax) * 100)}%` }}
            />
          ) : null,
        )}
    </div>
  );
}
