import type { ComponentType, SVGProps } from 'react';
import { cn } from './cn';
import {
  AlertTriangleIcon,
  CheckCircleIcon,
  CircleDotIcon,
  HelpCircleIcon,
  MinusCircleIcon,
  PauseCircleIcon,
  ProgressIcon,
  XCircleIcon,
} from './icons';

export type Tone = 'success' | 'progress' | 'paused' | 'warning' | 'danger' | 'neutral' | 'muted';
export type IconName = 'check' | 'x' | 'alert' | 'pause' | 'progress' | 'minus' | 'dot' | 'help';

const toneClass: Record<Tone, string> = {
  success: 'border-emerald-300 bg-emerald-50 text-emerald-800 dark:border-emerald-800 dark:bg-emerald-950/60 dark:text-emerald-300',
  progress: 'border-sky-300 bg-sky-50 text-sky-800 dark:border-sky-800 dark:bg-sky-950/60 dark:text-sky-300',
  paused: 'border-violet-300 bg-violet-50 text-violet-800 dark:border-violet-800 dark:bg-violet-950/60 dark:text-violet-300',
  warning: 'border-amber-300 bg-amber-50 text-amber-900 dark:border-amber-800 dark:bg-amber-950/60 dark:text-amber-300',
  danger: 'border-red-300 bg-red-50 text-red-800 dark:border-red-800 dark:bg-red-950/60 dark:text-red-300',
  neutral: 'border-zinc-300 bg-zinc-100 text-zinc-700 dark:border-zinc-700 dark:bg-zinc-800 dark:text-zinc-300',
  muted: 'border-zinc-200 bg-white text-zinc-600 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-400',
};

const icons: Record<IconName, ComponentType<SVGProps<SVGSVGElement>>> = {
  check: CheckCircleIcon,
  x: XCircleIcon,
  alert: AlertTriangleIcon,
  pause: PauseCircleIcon,
  progress: ProgressIcon,
  minus: MinusCircleIcon,
  dot: CircleDotIcon,
  help: HelpCircleIcon,
};

/** A status: colour, icon and text together, so colour is never the only signal. */
export function StatusPill({
  tone,
  icon,
  label,
  title,
  className,
}: {
  tone: Tone;
  icon: IconName;
  label: string;
  title?: string;
  className?: string;
}) {
  const Icon = icons[icon];
  return (
    <span
      title={title}
      className={cn(
        'inline-flex items-center gap-1 whitespace-nowrap rounded-full border px-1.5 py-px text-xs font-medium',
        toneClass[tone],
        className,
      )}
    >
      <Icon className="size-3.5 shrink-0" />
      {label}
    </span>
  );
}

/** Text colour for a tone, for inline counts and icons next to plain text. */
export const toneText: Record<Tone, string> = {
  success: 'text-emerald-700 dark:text-emerald-400',
  progress: 'text-sky-700 dark:text-sky-400',
  paused: 'text-violet-700 dark:text-violet-400',
  warning: 'text-amber-700 dark:text-amber-400',
  danger: 'text-red-700 dark:text-red-400',
  neutral: 'text-zinc-600 dark:text-zinc-400',
  muted: 'text-zinc-600 dark:text-zinc-600',
};

export function ToneIcon({ icon, tone, className }: { icon: IconName; tone: Tone; className?: string }) {
  const Icon = icons[icon];
  return <Icon className={cn('inline size-3.5 shrink-0', toneText[tone], className)} />;
}
