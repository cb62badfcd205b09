import { reasonSeverity, rolloutLook } from '@/components/status/status-pills';
import { cn } from '@/components/ui/cn';
import { ToneIcon } from '@/components/ui/status-pill';
import type { RolloutReason, RolloutState } from '@/lib/fleet/views';
import { SafeText } from '@/components/ui/safe-text';

const sevLook = {
  problem: { icon: 'alert', tone: 'danger', label: 'Blocking' },
  hold: { icon: 'pause', tone: 'paused', label: 'Holding' },
  fact: { icon: 'dot', tone: 'progress', label: 'Note' },
} as const;

/** "Why is it not progressing?": each reason as a sentence, blocking ones first. */
export function WhyPanel({ state }: { state: RolloutState }) {
  const look = rolloutLook[state.kind];
  const reasons = [...state.reasons].sort((a, b) => rank(a) - rank(b));
  const headline =
    state.kind === 'complete'
      ? 'The rollout is complete.'
      : state.kind === 'progressing'
        ? 'The rollout is progressing.'
        : state.kind === 'paused'
          ? 'The rollout is paused.'
          : state.kind === 'stuck'
            ? 'The rollout is stuck.'
            : 'This SidecarSet does not update existing pods.';
  return (
    <div
      className={cn(
        'rounded-lg border px-3 py-2',
        state.kind === 'stuck'
          ? 'border-red-300 bg-red-50/60 dark:border-red-900 dark:bg-red-950/30'
          : 'border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900',
      )}
    >
      <p className="flex items-center gap-1.5 font-medium">
        <ToneIcon icon={look.icon} tone={look.tone} className="size-4" />
        {headline}
      </p>
      {reasons.length > 0 && (
        <ul className="mt-1.5 space-y-1">
          {reasons.map((r) => {
            const sev = sevLook[reasonSeverity[r.code] ?? 'fact'];
            return (
              <li key={`${r.code}-${r.message}`} className="flex items-start gap-1.5 text-sm">
                <ToneIcon icon={sev.icon} tone={sev.tone} className="mt-0.5" />
                <span>
                  <span className="sr-only">{sev.label}: </span>
                  <SafeText text={r.message} />
                  {r.detail && <span className="ml-1 rounded bg-zinc-100 px-1 font-mono text-xs dark:bg-zinc-800">{r.detail}</span>}
                  <span className="ml-1.5 text-[11px] text-zinc-600 dark:text-zinc-400">({r.code})</span>
                </span>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}

function rank(r: RolloutReason): number {
  const s = reasonSeverity[r.code];
  return s === 'problem' ? 0 : s === 'hold' ? 1 : 2;
}
