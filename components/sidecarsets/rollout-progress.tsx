import { ProgressBar } from '@/components/ui/progress-bar';
import type { SidecarSetSummary } from '@/lib/fleet/views';

/** Updated-and-ready, then updated-not-ready, over matched pods. */
export function RolloutProgress({
  sidecarSet: s,
  className,
}: {
  sidecarSet: Pick<SidecarSetSummary, 'name' | 'matchedPods' | 'updatedPods' | 'updatedReadyPods'>;
  className?: string;
}) {
  const updatedNotReady = Math.max(0, s.updatedPods - s.updatedReadyPods);
  return (
    <ProgressBar
      className={className}
      label={`${s.name} rollout progress`}
      value={s.updatedPods}
      max={s.matchedPods}
      valueText={`${s.updatedPods} of ${s.matchedPods} pods updated, ${s.updatedReadyPods} of them ready`}
      segments={[
        { value: s.updatedReadyPods, className: 'bg-emerald-600 dark:bg-emerald-500', label: 'Updated and ready' },
        { value: updatedNotReady, className: 'bg-amber-500 dark:bg-amber-400', label: 'Updated, not ready' },
      ]}
    />
  );
}

export function RolloutCounts({
  sidecarSet: s,
}: {
  sidecarSet: Pick<SidecarSetSummary, 'matchedPods' | 'updatedPods' | 'readyPods' | 'updatedReadyPods'>;
}) {
  return (
    <span className="tabular-nums text-xs text-zinc-600 dark:text-zinc-400">
      <span className="font-medium text-zinc-900 dark:text-zinc-100">{s.updatedPods}</span>/{s.matchedPods} updated · {s.updatedReadyPods}{' '}
      updated ready · {s.readyPods} ready
    </span>
  );
}
